/**
 * The Train step's own numbers, through the real services (as the app and the CLI use them):
 * - time from Start to a finished run on the Demo project with the settings the app suggests;
 * - the estimate (a measured 3-step warm-up) against the peak memory of the real run, per base shape.
 *
 *   npx tsx scripts/bench/run.ts [--shapes demo,0.5b] [--samples 200] [--steps 8] [--ctx 256]
 *
 * `demo` runs the Demo base with its default settings (one epoch over the version, the suggested window);
 * `0.5b` a generated Qwen2.5-0.5B-shaped F32 base for `--steps` steps at `--ctx` tokens, since a full epoch of it
 * takes hours on 2 cores. Peak memory of a run = the trainer's VmHWM, polled from /proc while it runs.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Api, TrainSettings } from '../../src/shared/contract/index.js';
import { formatBytes, formatDuration } from '../../src/shared/units.js';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model } from '../../src/main/models/tinyModel.js';
import { peakMemoryOf } from '../../src/main/processes.js';
import { createTempServices, frozenDemoProject, type TempServices } from '../../src/main/testing/tempServices.js';

const { values } = parseArgs({
  options: {
    shapes: { type: 'string', default: 'demo,0.5b' },
    samples: { type: 'string', default: '200' },
    steps: { type: 'string', default: '8' },
    ctx: { type: 'string', default: '256' },
  },
});

/** Starts a run and follows its trainer's memory high-water mark until it ends. */
async function measuredRun(t: TempServices, api: Api, projectId: string, settings: Partial<TrainSettings>) {
  const started = performance.now();
  const run = await api.train.start({ projectId, settings });
  let peak = 0;
  const poll = setInterval(() => {
    const pid = t.services.db.prepare('SELECT trainer_pid FROM training_runs WHERE id = ?').pluck().get(run.id) as number | null;
    if (pid) peak = Math.max(peak, peakMemoryOf(pid));
  }, 100);
  const done = await t.services.train.whenSettled(run.id);
  clearInterval(poll);
  if (done.state !== 'done') throw new Error(`run ended ${done.state}: ${done.message}`);
  return { seconds: (performance.now() - started) / 1000, peak, run: done };
}

const t = await createTempServices();
try {
  const demo = await frozenDemoProject(t, { count: Number(values.samples), seed: 1, evalFraction: 0.1, name: 'bench' });
  console.log(`Demo project: ${values.samples} generated samples, 10% eval; trainer threads ${(await t.api.train.hardware({})).trainerThreads}`);
  const rows: string[] = [];
  for (const shape of values.shapes.split(',')) {
    let settings: Partial<TrainSettings>;
    if (shape === 'demo') {
      await t.api.models.setProjectBase({ projectId: demo.id, modelId: (await t.api.models.ensureDemo({})).id });
      settings = {};
    } else if (shape === '0.5b') {
      const path = join(t.dataDir, 'qwen2.5-0.5b-shape.gguf');
      writeTinyQwen2Model(path, { ...QWEN25_05B_SHAPE, seed: 1 });
      const model = await t.api.models.add({ path });
      await t.api.models.setProjectBase({ projectId: demo.id, modelId: model.id });
      settings = { maxSteps: Number(values.steps), contextLength: Number(values.ctx), checkpointEvery: 1000 };
    } else {
      throw new Error(`unknown shape ${shape}`);
    }
    const defaults = await t.api.train.defaults({ projectId: demo.id });
    const chosen = { ...defaults, ...settings };
    const estimate = await t.api.train.estimate({ projectId: demo.id, settings });
    const measured = await measuredRun(t, t.api, demo.id, settings);
    rows.push(
      [
        shape.padEnd(5),
        `ctx ${chosen.contextLength}, rank ${chosen.rank}, ${chosen.targets.length} targets`.padEnd(32),
        `${measured.run.totalSteps} steps`.padEnd(10),
        `estimate ${formatBytes(estimate.peakMemoryBytes)} / peak ${formatBytes(measured.peak)} = ${(estimate.peakMemoryBytes / measured.peak).toFixed(2)}`.padEnd(44),
        `est. ${formatDuration(estimate.estimatedSeconds)} (${estimate.secondsPerStep.toFixed(2)} s/step)`.padEnd(30),
        `Start→done ${formatDuration(measured.seconds)} (loss ${measured.run.loss?.toFixed(3) ?? "—"}, val ${measured.run.valLoss?.toFixed(3) ?? "—"})`,
      ].join('  '),
    );
    console.log(rows.at(-1));
  }
} finally {
  t.dispose();
}
