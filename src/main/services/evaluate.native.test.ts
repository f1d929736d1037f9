import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../shared/contract';
import { runCli } from '../testing/runCli';
import { createTempServices, frozenDemoProject, type TempServices } from '../testing/tempServices';
import { findNativeBinDir } from '../train/trainerProcess';

const binDir = findNativeBinDir({ preferCuda: false });

/**
 * The Evaluate service end to end on a short Demo run: both variants decoded by node-llama-cpp, checked, stored,
 * shown again after a restart. What the demo model learns is the e2e test's business; here a 4-step run only has
 * to exist.
 */
describe.skipIf(binDir === null)('Evaluate service on a Demo run (native)', () => {
  let t: TempServices;
  let demo: ProjectSummary;
  let runId: string;

  beforeAll(async () => {
    t = await createTempServices();
    demo = await frozenDemoProject(t, { count: 60, seed: 3, evalFraction: 0.2, name: 'v1' });
    const run = await t.api.train.start({ projectId: demo.id, settings: { maxSteps: 4, contextLength: 1024, threads: 2, checkpointEvery: 2 } });
    runId = (await t.services.train.whenSettled(run.id)).id;
  }, 300_000);

  afterAll(() => t?.dispose());

  it('refuses what cannot be evaluated, with the reason', async () => {
    await expect(t.api.evaluate.start({ projectId: demo.id, runId, checkpointStep: 3 })).rejects.toThrow(/no checkpoint at step 3/);
    await expect(t.api.evaluate.start({ projectId: demo.id, runId, modelId: 'x'.repeat(8) })).rejects.toThrow(/either a run or a model/);
  });

  it('evaluates base and tuned on the eval split, stores both with the set hash, and a new process shows them', async () => {
    const progress: number[] = [];
    const stop = t.api.jobs.on('progress', (p) => p.kind === 'evaluate' && progress.push(p.done));
    const { jobId } = await t.api.evaluate.start({ projectId: demo.id, runId, maxTokens: 48, threads: 1 });
    const job = await t.services.evaluate.whenSettled(jobId);
    stop();
    expect(job.state, job.message ?? '').toBe('done');
    expect(job.done).toBe(job.total);
    expect(progress.length).toBeGreaterThan(2);

    const results = await t.api.evaluate.results({ projectId: demo.id });
    expect(results.map((r) => r.variant).sort()).toEqual(['base', 'tuned']);
    const version = (await t.api.data.versions({ projectId: demo.id }))[0]!;
    for (const result of results) {
      expect(result).toMatchObject({ jobId, runId, runSeq: 1, setName: 'v1 (eval split)', setHash: version.contentHash, decoding: 'free' });
      expect(result.scores.overall.n).toBe(version.evalCount);
      expect(Object.values(result.scores.byKind).reduce((sum, m) => sum + (m?.n ?? 0), 0)).toBe(version.evalCount);
    }
    const tuned = results.find((r) => r.variant === 'tuned')!;
    expect(tuned.model.adapterPath).toMatch(/adapter\.gguf$/);
    expect(tuned.model.adapterSha256).toMatch(/^[0-9a-f]{64}$/);

    const detail = await t.api.evaluate.result({ resultId: tuned.id });
    expect(detail.cases).toHaveLength(version.evalCount);
    const failed = detail.cases.find((c) => !c.valid);
    if (failed) {
      expect(failed.steps.some((s) => !s.verdict.valid && s.verdict.rule.length > 0)).toBe(true);
      const similar = await t.api.evaluate.similar({ resultId: tuned.id, caseId: failed.id });
      expect(similar.length).toBeGreaterThan(0);
      expect(similar[0]!.similarity).toBeGreaterThan(0);
    }

    const again = await createTempServices({ dataDir: t.dataDir });
    try {
      expect((await again.api.evaluate.results({ projectId: demo.id })).map((r) => r.id).sort()).toEqual(results.map((r) => r.id).sort());
    } finally {
      again.dispose();
    }
  }, 300_000);

  it('cancels a running evaluation between answers', async () => {
    const { jobId } = await t.api.evaluate.start({ projectId: demo.id, runId, variants: ['base'], maxTokens: 48, threads: 1, parallel: 1 });
    const cancelled = await t.api.jobs.cancel({ jobId });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.done).toBeLessThan(cancelled.total);
  }, 120_000);

  it('eval run --json prints the scores per variant in the documented shape', () => {
    const result = runCli(t.dataDir, 'eval', 'run', '--project', 'Demo', '--variants', 'base', '--threads', '1', '--max-tokens', '48', '--json');
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { variants: Record<string, { overall: Record<string, unknown>; byKind: Record<string, unknown> }> };
    expect(Object.keys(printed.variants)).toEqual(['base']);
    expect(Object.keys(printed.variants['base']!.overall).sort()).toEqual(
      ['arguments', 'exactCall', 'functionName', 'latencyMs', 'n', 'noCallPrecision', 'noCallRecall', 'requiredFilled', 'schemaValid'].sort(),
    );
  }, 300_000);
});
