/**
 * The trainer's C++ unit tests (native/trainer/tests: packing, learning-rate schedule, checkpoint files), built
 * beside the trainer by `npm run build:native`.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nativeToolPath } from './trainerProcess.js';
import { nativeBinDir, nativeSkipReason } from './trainerTestKit.js';

const d = nativeSkipReason ? describe.skip : describe;

d('tooltune-train-tests', () => {
  it('passes every check', () => {
    const r = spawnSync(nativeToolPath(nativeBinDir as string, 'tooltune-train-tests'), [], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { checks?: number; failed?: number };
    expect(summary.failed).toBe(0);
    expect(summary.checks).toBeGreaterThan(25);
  });
});
