import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSummary } from '../../shared/contract';
import { createTempServices, frozenDemoProject, type TempServices } from '../testing/tempServices';
import { findNativeBinDir } from '../train/trainerProcess';
import { DEMO_PROJECT_NAME } from './demoProject';

const binDir = findNativeBinDir({ preferCuda: false });

function trainerPidOf(t: TempServices, runId: string): number {
  return t.services.db.prepare('SELECT trainer_pid FROM training_runs WHERE id = ?').pluck().get(runId) as number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function frozenDemo(t: TempServices, count: number): Promise<ProjectSummary> {
  return frozenDemoProject(t, { count, seed: 7, evalFraction: 0.1, name: 'v1' });
}

describe.skipIf(binDir === null)('Train service on the Demo project (native)', () => {
  let t: TempServices;
  beforeAll(async () => {
    t = await createTempServices();
  });
  afterAll(() => t?.dispose());

  it('renders a frozen version with the demo base, trains detached and records the adapter with hashes', async () => {
    const demo = await frozenDemo(t, 40);
    const started = await t.api.train.start({ projectId: demo.id, settings: { maxSteps: 4, contextLength: 512, threads: 2, checkpointEvery: 2 } });
    expect(started.state).toBe('running');
    const run = await t.services.train.whenSettled(started.id);
    const detail = await t.api.train.run({ runId: started.id });
    expect(run.state, `${run.message}\n${detail.logTail.join('\n')}`).toBe('done');
    expect(run.data?.excludedSamples).toBe(0);
    expect(run.data?.trainSamples).toBeGreaterThan(30);
    expect(run.step).toBe(run.totalSteps);
    expect(detail.curve.length).toBe(run.totalSteps);
    // the trainer's start line names the device: the one the hardware panel announces for a default run
    const announced = (await t.api.train.hardware({})).trainingDevice;
    expect(detail.device?.backend).toBeTruthy();
    expect(detail.device?.backend).toBe(announced?.backend);
    expect(detail.device?.description).toBe(announced?.description);
    expect(detail.preview?.pieces.some((p) => p.trained)).toBe(true);
    const adapter = run.artifacts.find((a) => a.kind === 'adapter');
    expect(adapter && existsSync(adapter.path)).toBe(true);
    expect(adapter?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.repro?.baseSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.repro?.datasetHash).toBeTruthy();
  }, 300_000);

  it('estimates memory and time from a measured warm-up on the same data and settings', async () => {
    const demo = (await t.api.projects.list({})).find((p) => p.name === DEMO_PROJECT_NAME)!;
    const settings = { maxSteps: 8, contextLength: 512, threads: 2 };
    const estimate = await t.api.train.estimate({ projectId: demo.id, settings });
    expect(estimate.warmupSteps).toBe(4);
    expect(estimate.totalSteps).toBe(8);
    expect(estimate.secondsPerStep).toBeGreaterThan(0);
    expect(estimate.estimatedSeconds).toBeCloseTo(estimate.secondsPerStep * 8);
    expect(estimate.fits).toBe(true);
    const started = await t.api.train.start({ projectId: demo.id, settings });
    const run = await t.services.train.whenSettled(started.id);
    expect(run.state).toBe('done');
    // The warm-up's peak (training and validation) bounds what the run reported at its last step within 25%.
    const ratio = (run.memoryBytes ?? 0) / estimate.peakMemoryBytes;
    expect(ratio, `estimate ${estimate.peakMemoryBytes}, run ${run.memoryBytes}`).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
  }, 300_000);
});

describe.skipIf(binDir === null)('Train runs outlive their process, stop and resume (native)', () => {
  let t: TempServices;
  let demo: ProjectSummary;
  beforeAll(async () => {
    t = await createTempServices();
    demo = await frozenDemo(t, 40);
  }, 120_000);
  afterAll(() => t?.dispose());

  const waitFor = async (what: () => Promise<boolean>, timeoutMs = 120_000) => {
    const until = Date.now() + timeoutMs;
    while (!(await what())) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const settings = { maxSteps: 24, contextLength: 512, threads: 1, checkpointEvery: 4 };

  it('stops with a checkpoint, resumes from it and finishes', async () => {
    const started = await t.api.train.start({ projectId: demo.id, settings });
    await waitFor(async () => (await t.api.train.run({ runId: started.id })).step >= 3);
    // A run is a job like any other: the jobs service lists it with the project's data jobs and stops it.
    const jobs = await t.api.jobs.list({ projectId: demo.id });
    expect(new Set(jobs.map((job) => job.kind))).toEqual(new Set(['generate', 'train']));
    const job = jobs.find((candidate) => candidate.runId === started.id);
    expect(job).toMatchObject({ kind: 'train', state: 'running' });
    await t.api.jobs.cancel({ jobId: job!.id });
    const stopped = await t.services.train.whenSettled(started.id);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.message).toMatch(/Stopped at step \d+/);
    expect(stopped.artifacts.some((a) => a.kind === 'checkpoint')).toBe(true);
    expect(stopped.step).toBeLessThan(stopped.totalSteps);

    await t.api.train.resume({ runId: started.id });
    const done = await t.services.train.whenSettled(started.id);
    expect(done.state, done.message ?? '').toBe('done');
    const detail = await t.api.train.run({ runId: started.id });
    expect(detail.curve.map((p) => p.step)).toEqual(Array.from({ length: done.totalSteps }, (_, i) => i + 1));
  }, 300_000);

  it('keeps training when the services close, and the next start re-attaches to the run', async () => {
    const started = await t.api.train.start({ projectId: demo.id, settings });
    await waitFor(async () => (await t.api.train.run({ runId: started.id })).phase === 'training');
    t.services.dispose(); // the app closes; the detached trainer goes on
    const reopened = await createTempServices({ dataDir: t.dataDir });
    try {
      const attached = await reopened.api.train.run({ runId: started.id });
      expect(attached.state).toBe('running');
      const done = await reopened.services.train.whenSettled(started.id);
      expect(done.state, done.message ?? '').toBe('done');
      expect(done.artifacts.some((a) => a.kind === 'adapter')).toBe(true);
    } finally {
      reopened.dispose();
      t = await createTempServices({ dataDir: t.dataDir });
    }
  }, 300_000);

  it('marks a run whose trainer died without a word interrupted, and resumes it', async () => {
    const started = await t.api.train.start({ projectId: demo.id, settings });
    await waitFor(async () => (await t.api.train.run({ runId: started.id })).step >= 6);
    const pid = trainerPidOf(t, started.id);
    t.services.dispose();
    // The machine "stops": the trainer is killed outright, no final report.
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => !alive(pid), 10_000);
    const reopened = await createTempServices({ dataDir: t.dataDir });
    try {
      const interrupted = await reopened.services.train.whenSettled(started.id);
      expect(interrupted.state).toBe('interrupted');
      await reopened.api.train.resume({ runId: started.id });
      const done = await reopened.services.train.whenSettled(started.id);
      expect(done.state, done.message ?? '').toBe('done');
    } finally {
      reopened.dispose();
      t = await createTempServices({ dataDir: t.dataDir });
    }
  }, 300_000);
});
