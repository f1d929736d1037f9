/**
 * `npm run bench:data`: the Data step's throughput goals, measured in one run on this machine.
 *   synthesis  ≥ 5,000 samples/s (schema-driven, Demo tools, English + Chinese)
 *   import     < 10 s for a 100,000-line OpenAI JSONL file (read + parse + validate; no SQLite)
 *   verification samples/s (ajv, schemas compiled once); dedupe and balance over the same set.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEMO_TOOLS } from '../../src/main/data/testing/demoTools';
import { ArgumentValidator, verifySample } from '../../src/main/data/verifySample';
import { balanceReport } from '../../src/shared/data/balance';
import { findDuplicates } from '../../src/shared/data/dedupe';
import { exportOpenAiJsonl, importOpenAiJsonl } from '../../src/shared/data/formats/openaiJsonl';
import { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH } from '../../src/shared/data/synthesis/demoPhrasings';
import { generateSamples } from '../../src/shared/data/synthesis/synthesizer';

const LINES = Number(process.env['BENCH_LINES'] ?? 100_000);

function timed<T>(run: () => T): { value: T; seconds: number } {
  const start = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - start) / 1000 };
}

const rate = (count: number, seconds: number): string => `${Math.round(count / seconds).toLocaleString('en-US')}/s`;
const verdict = (ok: boolean): string => (ok ? 'goal met' : 'GOAL MISSED');

// Warm-up so the JIT does not count against the first measurement.
generateSamples(DEMO_TOOLS, [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH], { seed: 0 }, 2000);

const synthesis = timed(() => generateSamples(DEMO_TOOLS, [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH], { seed: 1, languages: { en: 3, zh: 1 } }, LINES));
const samples = synthesis.value;
const synthesisRate = samples.length / synthesis.seconds;

const dir = mkdtempSync(join(tmpdir(), 'tooltune-bench-'));
const file = join(dir, 'samples.jsonl');
writeFileSync(file, exportOpenAiJsonl(samples));
const imported = timed(() => importOpenAiJsonl(readFileSync(file, 'utf8')));
const megabytes = Buffer.byteLength(readFileSync(file)) / 1024 / 1024;
rmSync(dir, { recursive: true, force: true });

const validator = new ArgumentValidator();
const verification = timed(() => imported.value.samples.filter((sample) => verifySample(sample, validator).ok).length);
const dedupe = timed(() => findDuplicates(imported.value.samples));
const balance = timed(() => balanceReport(imported.value.samples));

console.log(`ToolTune data bench (${LINES.toLocaleString('en-US')} samples, Node ${process.version})`);
console.log(`  synthesis (schema-driven): ${samples.length} samples in ${synthesis.seconds.toFixed(2)} s = ${rate(samples.length, synthesis.seconds)}  [goal ≥ 5,000/s: ${verdict(synthesisRate >= 5000)}]`);
console.log(
  `  import OpenAI JSONL:        ${imported.value.samples.length} samples from ${megabytes.toFixed(1)} MiB in ${imported.seconds.toFixed(2)} s (${imported.value.problems.length} problems)  [goal < 10 s: ${verdict(imported.seconds < 10)}]`,
);
console.log(`  verification:               ${verification.value}/${imported.value.samples.length} ok in ${verification.seconds.toFixed(2)} s = ${rate(imported.value.samples.length, verification.seconds)}`);
console.log(`  dedupe (exact + MinHash):   ${dedupe.value.length} groups in ${dedupe.seconds.toFixed(2)} s`);
console.log(`  balance report:             ${balance.value.warnings.length} warnings in ${balance.seconds.toFixed(2)} s`);
