import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalResultSummary, ExportRecord, ProjectSummary } from '../../shared/contract';
import type { CaseResult } from '../../shared/eval/metrics';
import { getOptionalString, readGgufFile } from '../models/gguf/index.js';
import { runCli } from '../testing/runCli';
import { createTempServices, frozenDemoProject, type TempServices } from '../testing/tempServices';
import { findNativeBinDir } from '../train/trainerProcess';

const binDir = findNativeBinDir({ preferCuda: false });

/** The real llama-export-lora beside a llama-quantize that writes part of its output and fails as a full disk makes it. */
function fakeToolsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'failing-tools-'));
  symlinkSync(join(binDir!, 'llama-export-lora'), join(dir, 'llama-export-lora'));
  symlinkSync(join(binDir!, 'tooltune-train'), join(dir, 'tooltune-train'));
  writeFileSync(join(dir, 'llama-quantize'), '#!/bin/bash\nout="${@: -3:1}"\nhead -c 100000 /dev/zero > "$out"\necho "error: disk full" >&2\nexit 1\n', { mode: 0o755 });
  return dir;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Per scored step: the calls an answer made (name and arguments), or what it wrote when it made none. */
function answersOf(cases: readonly CaseResult[]): Map<string, string> {
  const answers = new Map<string, string>();
  for (const c of cases) c.steps.forEach((step, i) => answers.set(`${c.id}/${i}`, step.produced && step.produced.length > 0 ? JSON.stringify(step.produced.map((p) => [p.name, p.arguments])) : step.text));
  return answers;
}

/**
 * How alike two models answer: per scored step, the share of `a`'s answer that `b` wrote the same from the start
 * (greedy decoding follows the same path until the first token whose top choice differs), averaged.
 */
function samePrefix(a: Map<string, string>, b: Map<string, string>): number {
  let sum = 0;
  for (const [key, text] of a) {
    const other = b.get(key) ?? '';
    let n = 0;
    while (n < text.length && text[n] === other[n]) n++;
    sum += text.length === 0 ? (other.length === 0 ? 1 : 0) : n / Math.max(text.length, other.length);
  }
  return sum / a.size;
}

/**
 * The Export service end to end on a Demo run: merge, quantize, package, quality gate; the files the tools wrote
 * read back; the merged files answer as base + adapter does at run time; bad requests leave nothing behind.
 */
describe.skipIf(binDir === null)('Export service on a Demo run (native)', () => {
  let t: TempServices;
  let demo: ProjectSummary;
  let runId: string;
  let record: ExportRecord;
  let gate: EvalResultSummary[];
  let estimated: Map<string, number>;

  beforeAll(async () => {
    t = await createTempServices();
    demo = await frozenDemoProject(t, { count: 60, seed: 3, evalFraction: 0.25, name: 'v1' });
    // a high learning rate, so that 16 steps move the answers away from the base's (the comparison below needs that)
    const run = await t.api.train.start({ projectId: demo.id, settings: { maxSteps: 16, learningRate: 2e-2, warmupSteps: 2, contextLength: 1024, threads: 2 } });
    runId = (await t.services.train.whenSettled(run.id)).id;
  }, 300_000);

  afterAll(() => t?.dispose());

  it('estimates the sizes with llama-quantize and says which tensors fall back', async () => {
    const estimate = await t.api.export.estimate({ projectId: demo.id, runId, quants: ['Q4_K_M', 'Q8_0'] });
    estimated = new Map(estimate.files.map((f) => [f.quant, f.bytes]));
    expect(estimate.files.map((f) => f.quant)).toEqual(['Q4_K_M', 'Q8_0']);
    const [q4, q8] = estimate.files.map((f) => f.bytes);
    expect(q4).toBeGreaterThan(1024 * 1024);
    expect(q4).toBeLessThan(q8!);
    expect(estimate.totalBytes).toBeGreaterThan(q4! + q8!);
    expect(estimate.freeBytes).toBeGreaterThan(0);
    // the demo model is 64 wide: its block weights cannot hold 256-value K-quant rows
    expect(estimate.warnings.join('\n')).toMatch(/not a multiple of 256 values: in Q4_K_M they get another type/);
  }, 60_000);

  it('merges, quantizes and packages a run; every file is listed with its hash and keeps the chat template', async () => {
    const progress: Array<{ done: number; total: number }> = [];
    const stop = t.api.jobs.on('progress', (p) => p.kind === 'export' && progress.push({ done: p.done, total: p.total }));
    const started = await t.api.export.start({ projectId: demo.id, runId, quants: ['F16', 'Q8_0', 'Q4_K_M'], threads: 2 });
    const job = await t.services.exports.whenSettled(started.jobId);
    stop();
    // one step per tensor the tools write (the merge and each type), counted from their own log lines
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((p) => p.done <= p.total)).toBe(true);
    expect(progress.at(-1)).toEqual({ done: job.total, total: job.total });
    expect(job.state, job.message ?? '').toBe('done');
    expect(job.message).toBeNull();
    record = await t.api.export.get({ exportId: started.exportId });
    expect(record).toMatchObject({ state: 'done', runSeq: 1, name: 'demo-run1', quants: ['F16', 'Q8_0', 'Q4_K_M'] });
    expect(existsSync(`${record.dir}.partial`)).toBe(false);

    const names = record.files.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'demo-run1-F16.gguf',
        'demo-run1-Q8_0.gguf',
        'demo-run1-Q4_K_M.gguf',
        'lmstudio/tooltune/demo-run1-GGUF/demo-run1-Q8_0.gguf',
        'adapter/demo-run1-lora.gguf',
        'ollama/Modelfile.Q4_K_M',
        'ollama/Modelfile.adapter',
        'llama-server.sh',
        'README.md',
        'SHA256SUMS',
      ]),
    );
    // SHA256SUMS lists every other file with its real hash
    const sums = readFileSync(join(record.dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums).toHaveLength(record.files.length - 1);
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(sha256(join(record.dir, name!)), name).toBe(hash);
    }

    const base = (await t.api.models.projectBase({ projectId: demo.id }))!;
    const baseTemplate = readGgufFile(base.path, { metadataOnly: true }).metadata;
    for (const quant of ['F16', 'Q8_0', 'Q4_K_M']) {
      const meta = readGgufFile(join(record.dir, `demo-run1-${quant}.gguf`), { metadataOnly: true }).metadata;
      expect(getOptionalString(meta, 'tokenizer.chat_template')).toBe(getOptionalString(baseTemplate, 'tokenizer.chat_template'));
      expect(getOptionalString(meta, 'general.name')).toBe('demo-run1');
      expect(getOptionalString(meta, 'tooltune.base_sha256')).toBe(base.sha256);
      expect(getOptionalString(meta, 'tooltune.dataset_version')).toBe('v1');
    }
    // the estimate before was right to 1%
    for (const quant of ['Q4_K_M', 'Q8_0']) {
      const written = record.files.find((f) => f.name === `demo-run1-${quant}.gguf`)!.bytes;
      expect(Math.abs(estimated.get(quant)! - written) / written, quant).toBeLessThan(0.01);
    }
    expect(record.fallbacks.filter((f) => f.quant === 'Q4_K_M').length).toBeGreaterThan(0);
    expect(record.fallbacks.every((f) => !/^Q\d_K$/.test(f.type))).toBe(true);

    const modelfile = readFileSync(join(record.dir, 'ollama/Modelfile.Q4_K_M'), 'utf8');
    expect(modelfile).toMatch(/^FROM \.\.\/demo-run1-Q4_K_M\.gguf\nTEMPLATE """/);
    const readme = readFileSync(join(record.dir, 'README.md'), 'utf8');
    expect(readme).toContain('ollama create demo-run1:q4_k_m -f Modelfile.Q4_K_M');
    expect(readme).toContain('llama-server -m demo-run1-Q8_0.gguf --jinja');
    expect(readme).toMatch(/## Scores[\s\S]*demo-run1 Q4_K_M \| \d/);
  }, 600_000);

  it('the quality gate scores every output next to base and tuned; merged files answer as base + adapter does', async () => {
    gate = (await t.api.evaluate.results({ projectId: demo.id })).filter((r) => r.jobId === record.evalJobId);
    expect(gate.map((r) => r.output ?? r.variant).sort()).toEqual(['F16', 'Q4_K_M', 'Q8_0', 'base', 'tuned']);
    const answers = async (output: string) => answersOf((await t.api.evaluate.result({ resultId: gate.find((r) => (r.output ?? r.variant) === output)!.id })).cases);
    const tuned = await answers('tuned');
    const alike = { base: samePrefix(tuned, await answers('base')), F16: samePrefix(tuned, await answers('F16')), Q8_0: samePrefix(tuned, await answers('Q8_0')) };
    console.log(`answers the same as base + adapter, from the start: ${Object.entries(alike).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}`);
    // The adapter matters: the base answers otherwise, so agreeing with tuned means something.
    expect(alike.base).toBeLessThan(0.2);
    // The merged F16 file is the run-time adapter written into the weights: the very same answers.
    expect(alike.F16).toBeGreaterThanOrEqual(0.99);
    // Q8_0 rounds every weight. The tolerance: on this 16-step demo adapter (which writes no calls yet, so its greedy
    // path has near-ties everywhere) at least 30% of each answer stays the same from the start (measured: 40%),
    // against 0% for the base; the e2e export test compares the scores of a fully trained run.
    expect(alike.Q8_0).toBeGreaterThanOrEqual(0.3);
    expect(alike.Q8_0).toBeGreaterThan(alike.base + 0.2);
  }, 60_000);

  it('refuses bad requests with the reason and leaves no files', async () => {
    const exportsDir = join(t.dataDir, 'projects', demo.id, 'exports');
    const before = readdirSync(exportsDir).sort();
    await expect(t.api.export.start({ projectId: demo.id, runId, quants: ['Q3_XS' as 'Q8_0'] })).rejects.toThrow(/quants/);
    await expect(t.api.export.start({ projectId: demo.id, runId, checkpointStep: 7 })).rejects.toThrow(/no checkpoint at step 7/);

    // a changed adapter is refused before anything starts
    const adapterPath = (await t.api.train.runs({ projectId: demo.id }))[0]!.artifacts.find((a) => a.kind === 'adapter')!.path;
    const adapter = readFileSync(adapterPath);
    writeFileSync(adapterPath, adapter.subarray(0, 4096));
    try {
      await expect(t.api.export.start({ projectId: demo.id, runId, quants: ['Q8_0'], gate: false })).rejects.toThrow(/adapter of run 1 changed since training/);
    } finally {
      writeFileSync(adapterPath, adapter);
    }

    // a tool that fails midway (an input it cannot read): the job fails with the tool's reason, nothing stays
    const base = (await t.api.models.projectBase({ projectId: demo.id }))!;
    const failing = await createTempServices({ dataDir: t.dataDir, nativeBinDir: fakeToolsDir() });
    try {
      const started = await failing.api.export.start({ projectId: demo.id, runId, quants: ['Q8_0'], gate: false });
      const failed = await failing.services.exports.whenSettled(started.jobId);
      expect(failed.state).toBe('failed');
      expect(failed.message).toMatch(/llama-quantize failed \(exit 1\): error: disk full.*Nothing was kept/);
    } finally {
      failing.dispose();
    }
    expect(readdirSync(exportsDir).sort()).toEqual(before);

    // a missing base
    renameSync(base.path, `${base.path}.away`);
    try {
      await expect(t.api.export.start({ projectId: demo.id, runId })).rejects.toThrow(/base file of run 1 is missing/);
    } finally {
      renameSync(`${base.path}.away`, base.path);
    }
  }, 120_000);

  it('export create / export list / the export shorthand in the CLI, with the training configs for bigger machines', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-export-'));
    const noRepo = runCli(t.dataDir, 'export', 'create', '--project', 'Demo', '--package', 'axolotl', '--out', out);
    expect(noRepo.status).toBe(4);
    expect(noRepo.stderr).toContain("The axolotl configs need the base's Hugging Face repository");
    const created = runCli(t.dataDir, 'export', 'create', '--project', 'Demo', '--run', '1', '--quant', 'Q8_0', '--package', 'gguf,ollama,llamafactory,axolotl', '--hf-repo', 'Qwen/Qwen2.5-0.5B-Instruct', '--skip-gate', '--threads', '2', '--out', out, '--json');
    expect(created.status, created.stderr).toBe(0);
    const record = JSON.parse(created.stdout) as ExportRecord;
    expect(record.files.map((f) => f.name).sort()).toEqual([
      'README.md',
      'SHA256SUMS',
      'axolotl/axolotl.yaml',
      'axolotl/data/demo-run1.eval.jsonl',
      'axolotl/data/demo-run1.train.jsonl',
      'demo-run1-Q8_0.gguf',
      'llamafactory/data/dataset_info.json',
      'llamafactory/data/demo-run1.eval.sharegpt.jsonl',
      'llamafactory/data/demo-run1.train.sharegpt.jsonl',
      'llamafactory/llamafactory.yaml',
      'ollama/Modelfile.Q8_0',
    ]);
    const version = (await t.api.data.versions({ projectId: demo.id }))[0]!;
    const lines = (name: string) => readFileSync(join(record.dir, name), 'utf8').trim().split('\n').length;
    expect(lines('axolotl/data/demo-run1.train.jsonl')).toBe(version.trainCount);
    expect(lines('llamafactory/data/demo-run1.eval.sharegpt.jsonl')).toBe(version.evalCount);
    expect(readFileSync(join(record.dir, 'README.md'), 'utf8')).toContain('cd llamafactory && llamafactory-cli train llamafactory.yaml');
    expect(record.dir.startsWith(out)).toBe(true);
    expect(created.stderr).toMatch(/Writes about [\d.]+ MiB/);

    const shorthand = runCli(t.dataDir, 'export', '--project', 'Demo', '--quant', 'Q8_0', '--format', 'gguf', '--skip-gate', '--out', out);
    expect(shorthand.status, shorthand.stderr).toBe(0);
    expect(shorthand.stdout.split('\n')[0]).toBe(`demo-run1\tdone\t${join(out, 'demo-run1-2')}`);

    const listed = runCli(t.dataDir, 'export', 'list', '--project', 'Demo', '--json');
    expect((JSON.parse(listed.stdout) as ExportRecord[]).slice(0, 2).map((r) => r.dir)).toEqual([join(out, 'demo-run1-2'), join(out, 'demo-run1')]);

    const unknown = runCli(t.dataDir, 'export', 'create', '--project', 'Demo', '--quant', 'Q3_XS', '--out', out);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--quant takes a comma-separated list of Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16 (not "Q3_XS")');
  }, 120_000);

  it('a quantized base: warned before the export and in its README, re-quantized with --allow-requantize', async () => {
    const base = (await t.api.models.projectBase({ projectId: demo.id }))!;
    const q8Base = join(t.dataDir, 'demo-q8_0.gguf');
    const quantized = spawnSync(join(binDir!, 'llama-quantize'), [base.path, q8Base, 'Q8_0', '2'], { encoding: 'utf8' });
    expect(quantized.status, quantized.stderr).toBe(0);
    const q8 = await t.api.models.add({ path: q8Base });
    const adapter = (await t.api.train.runs({ projectId: demo.id })).find((r) => r.id === runId)!.artifacts.find((a) => a.kind === 'adapter')!;
    // the run's adapter fits the quantized copy: the same shapes
    const run = await t.api.train.importAdapter({ projectId: demo.id, modelId: q8.id, path: adapter.path });
    const estimate = await t.api.export.estimate({ projectId: demo.id, runId: run.id, quants: ['Q8_0'] });
    expect(estimate.warnings[0]).toMatch(/^The base is quantized \(Q8_0\): the merge dequantizes the adapted tensors .* merge into an F16 or BF16 base/);
    const started = await t.api.export.start({ projectId: demo.id, runId: run.id, quants: ['Q8_0'], packages: ['gguf'], gate: false });
    const job = await t.services.exports.whenSettled(started.jobId);
    expect(job.state, job.message ?? '').toBe('done');
    const record = await t.api.export.get({ exportId: started.exportId });
    expect(record.warnings).toEqual(estimate.warnings);
    expect(readFileSync(join(record.dir, 'README.md'), 'utf8')).toContain('The base is quantized (Q8_0)');
  }, 120_000);

  it('stops on a full disk before writing, and cancels leaving nothing', async () => {
    const full = await createTempServices({ dataDir: t.dataDir, diskFreeBytes: () => 1024 * 1024 });
    try {
      const started = await full.api.export.start({ projectId: demo.id, runId, quants: ['Q8_0'], gate: false });
      const job = await full.services.exports.whenSettled(started.jobId);
      expect(job.state).toBe('failed');
      expect(job.message).toMatch(/Not enough free space .*1 MiB free/);
      expect(existsSync((await full.api.export.get({ exportId: started.exportId })).dir)).toBe(false);
    } finally {
      full.dispose();
    }
    const started = await t.api.export.start({ projectId: demo.id, runId, quants: ['F16', 'Q8_0'], gate: false });
    const cancelled = await t.api.jobs.cancel({ jobId: started.jobId });
    expect(cancelled.state).toBe('cancelled');
    const dir = (await t.api.export.get({ exportId: started.exportId })).dir;
    expect(existsSync(dir) || existsSync(`${dir}.partial`)).toBe(false);
  }, 120_000);
});
