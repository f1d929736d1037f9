/**
 * What the Demo's tuned model learns, through the real services (as the app and the CLI use them): Demo data
 * generated with the default mix, a run of the demo base with the settings the app suggests (or `--epochs`), and
 * the evaluation of base and tuned on the version's eval split, every kind side by side.
 *
 *   npx tsx scripts/bench/eval.ts [--samples 1000] [--epochs 1] [--threads N] [--max-tokens 256]
 */
import { parseArgs } from 'node:util';
import type { Metrics } from '../../src/shared/eval/metrics.js';
import { formatDuration } from '../../src/shared/units.js';
import { createTempServices, frozenDemoProject } from '../../src/main/testing/tempServices.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '1000' },
    epochs: { type: 'string' },
    threads: { type: 'string' },
    'max-tokens': { type: 'string', default: '256' },
  },
});

const percent = (value: number | null | undefined) => (value === null || value === undefined ? '   –  ' : `${(value * 100).toFixed(1).padStart(5)}%`);

const t = await createTempServices();
try {
  const samples = Number(values.samples);
  const demo = await frozenDemoProject(t, { count: samples, seed: 1, evalFraction: 0.1, name: 'bench' });
  await t.api.models.setProjectBase({ projectId: demo.id, modelId: (await t.api.models.ensureDemo({})).id });

  const trainStarted = performance.now();
  const settings = { ...(values.epochs ? { epochs: Number(values.epochs) } : {}), ...(values.threads ? { threads: Number(values.threads) } : {}) };
  const run = await t.api.train.start({ projectId: demo.id, settings });
  const trained = await t.services.train.whenSettled(run.id);
  if (trained.state !== 'done') throw new Error(`the run ended ${trained.state}: ${trained.message}`);
  const trainSeconds = (performance.now() - trainStarted) / 1000;

  const evalStarted = performance.now();
  const { jobId: evalJob } = await t.api.evaluate.start({
    projectId: demo.id,
    runId: run.id,
    maxTokens: Number(values['max-tokens']),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
  });
  const evaluated = await t.services.evaluate.whenSettled(evalJob);
  if (evaluated.state !== 'done') throw new Error(`the evaluation ended ${evaluated.state}: ${evaluated.message}`);
  const evalSeconds = (performance.now() - evalStarted) / 1000;

  const results = await t.api.evaluate.results({ projectId: demo.id });
  const base = results.find((r) => r.variant === 'base')!.scores;
  const tuned = results.find((r) => r.variant === 'tuned')!.scores;
  console.log(
    `Demo: ${samples} samples (default mix), run of ${trained.totalSteps} steps (epochs ${trained.settings.epochs}, window ${trained.settings.contextLength}, ` +
      `${trained.settings.threads} threads) in ${formatDuration(trainSeconds)}; evaluation of both in ${formatDuration(evalSeconds)}`,
  );
  console.log('kind               n   exactCall base → tuned   functionName base → tuned   arguments base → tuned   noCallRecall base → tuned');
  const row = (name: string, b: Metrics | undefined, u: Metrics | undefined) =>
    console.log(
      `${name.padEnd(18)} ${String(u?.n ?? 0).padStart(3)}   ${percent(b?.exactCall)} → ${percent(u?.exactCall)}       ${percent(b?.functionName)} → ${percent(u?.functionName)}` +
        `          ${percent(b?.arguments)} → ${percent(u?.arguments)}       ${percent(b?.noCallRecall)} → ${percent(u?.noCallRecall)}`,
    );
  row('overall', base.overall, tuned.overall);
  for (const kind of Object.keys(tuned.byKind) as Array<keyof typeof tuned.byKind>) row(kind, base.byKind[kind], tuned.byKind[kind]);
} finally {
  t.dispose();
}
