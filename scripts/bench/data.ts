/**
 * `npm run bench:data -- [count]`: the Data step's throughput, end to end.
 * Prints samples/s of schema-driven synthesis alone and of `data.generate` including verification
 * and SQLite, verification samples/s, the seconds to import a `count`-line OpenAI JSONL file (sent
 * in parts, like the CLI does), and the time of a list page, stats and the duplicate search on it.
 * Default count: 100,000.
 */
import demoTools from '../../resources/demo/tools.json';
import { DATA_TEXT_CHUNK_MAX } from '../../src/shared/contract';
import { exportOpenAiJsonl } from '../../src/shared/data/formats';
import { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH, Synthesizer } from '../../src/shared/data/synthesis';
import type { ToolDefinition } from '../../src/shared/tools/types';
import { waitForJob } from '../../src/main/cli/waitForJob';
import { ArgumentValidator, verifySample } from '../../src/main/data/verifySample';
import { createTempServices } from '../../src/main/testing/tempServices';

const count = Number(process.argv[2] ?? 100_000);
const tools: ToolDefinition[] = demoTools.map(({ function: fn }) => ({ name: fn.name, description: fn.description, parameters: fn.parameters }));

function rate(samples: number, ms: number): string {
  return `${Math.round(samples / (ms / 1000)).toLocaleString('en')} samples/s (${samples.toLocaleString('en')} in ${(ms / 1000).toFixed(2)} s)`;
}

const synthesizer = new Synthesizer(tools, [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH], { seed: 1 });
let started = performance.now();
const samples = Array.from({ length: count }, (_, index) => synthesizer.sample(index)).filter((sample) => sample !== null);
console.log(`synthesis only:            ${rate(samples.length, performance.now() - started)}`);

const validator = new ArgumentValidator();
started = performance.now();
for (const sample of samples) verifySample(sample, validator);
console.log(`verification only:         ${rate(samples.length, performance.now() - started)}`);

const env = await createTempServices();
try {
  const demo = (await env.api.projects.list({})).find((project) => project.name === 'Demo');
  if (!demo) throw new Error('the Demo project is missing');
  started = performance.now();
  const generated = await waitForJob(env.api, (await env.api.data.generate({ projectId: demo.id, count, seed: 1 })).jobId);
  console.log(`generate (worker+SQLite):  ${rate(generated.done, performance.now() - started)}`);

  const text = exportOpenAiJsonl(samples);
  const project = await env.api.projects.create({ name: 'Import bench' });
  started = performance.now();
  let uploadId: string | undefined;
  for (let from = 0; from < text.length; from += DATA_TEXT_CHUNK_MAX) {
    const part = text.slice(from, from + DATA_TEXT_CHUNK_MAX);
    ({ uploadId } = await env.api.data.uploadChunk(uploadId === undefined ? { text: part } : { uploadId, text: part }));
  }
  const uploadSeconds = (performance.now() - started) / 1000;
  const imported = await waitForJob(env.api, (await env.api.data.import({ projectId: project.id, uploadId: uploadId as string, format: 'openai' })).jobId);
  const seconds = (performance.now() - started) / 1000;
  const summary = imported.importSummary;
  console.log(
    `import ${count.toLocaleString('en')}-line OpenAI JSONL (${(text.length / 1e6).toFixed(1)} M chars): ${seconds.toFixed(2)} s, ` +
      `${imported.done.toLocaleString('en')} samples (${summary?.format ?? 'no format'}, ${summary?.problems.length ?? 0} problems), ${imported.state}`,
  );
  const phase = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
  const t = summary?.timings;
  console.log(
    `  phases: upload ${uploadSeconds.toFixed(2)} s, read ${phase(t?.readMs)}, parse ${phase(t?.parseMs)}, verify ${phase(t?.verifyMs)} (worker), ` +
      `write ${phase(t?.writeMs)} (main, overlaps verify)`,
  );

  started = performance.now();
  const page = await env.api.data.list({ projectId: project.id, offset: 50_000, limit: 100, filter: { tool: 'get_weather' } });
  console.log(`list page (tool filter, offset 50,000): ${(performance.now() - started).toFixed(1)} ms, total ${page.total}`);
  started = performance.now();
  await env.api.data.stats({ projectId: project.id });
  console.log(`stats (with balance pass, off main): ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  const { groups } = await env.api.data.duplicates({ projectId: project.id });
  console.log(`duplicates (exact + near, off main): ${(performance.now() - started).toFixed(0)} ms, ${groups.length} groups`);
} finally {
  env.dispose();
}
