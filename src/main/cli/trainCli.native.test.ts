import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunArtifact, TrainingRun } from '../../shared/contract';
import { runCli } from '../testing/runCli';
import { findNativeBinDir } from '../train/trainerProcess';
import { EXIT } from './exitCodes';

type RunResult = TrainingRun & { adapter: RunArtifact | null };

let dataDir: string;
const tooltune = (...args: string[]) => runCli(dataDir, ...args);

function ok(...args: string[]): string {
  const result = tooltune(...args);
  expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(EXIT.ok);
  return result.stdout;
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tooltune-train-cli-native-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.skipIf(findNativeBinDir({ preferCuda: false }) === null)('tooltune train on the Demo project (native)', { timeout: 180_000 }, () => {
  beforeAll(() => {
    ok('data', 'generate', '--project', 'Demo', '--count', '30', '--seed', '7');
    ok('data', 'split', '--project', 'Demo', '--seed', '1');
    ok('data', 'freeze', '--project', 'Demo', '--name', 'v1');
  }, 120_000);

  it('trains a waited run to the end: progress on stderr, the adapter with its hashes as JSON, exit 0', () => {
    const result = tooltune('train', 'start', '--project', 'Demo', '--dataset', 'v1', '--max-steps', '4', '--ctx', '512', '--wait', '--json');
    expect(result.status, result.stderr).toBe(EXIT.ok);
    expect(result.stderr).toMatch(/^run 1: step 4\/4, loss \d+\.\d+/m);
    const run = JSON.parse(result.stdout) as RunResult;
    expect(run).toMatchObject({ seq: 1, state: 'done', step: 4, totalSteps: 4, errorCode: null });
    expect(run.settings).toMatchObject({ maxSteps: 4, contextLength: 512 });
    expect(run.adapter?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.adapter && existsSync(run.adapter.path)).toBe(true);
    expect(run.artifacts).toContainEqual(run.adapter);
    expect(run.repro?.baseSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.repro?.trainFileSha256).toMatch(/^[0-9a-f]{64}$/);
    // the Demo project got the demo base on its first run
    const models = JSON.parse(ok('models', 'list', '--json')) as Array<{ id: string; source: string }>;
    expect(models).toEqual([expect.objectContaining({ id: run.modelId, source: 'demo' })]);
  });

  it('returns once the detached trainer runs; a later process follows the run to its end', () => {
    const started = JSON.parse(ok('train', 'start', '--project', 'Demo', '--max-steps', '4', '--ctx', '512', '--json')) as RunResult;
    expect(started.seq).toBe(2);
    // (a very fast machine may finish 4 steps before the command looks again: then it prints the result)
    expect(started.state === 'done' || started.phase === 'training', `${started.state} ${started.phase}`).toBe(true);
    const followed = JSON.parse(ok('train', 'status', '--project', 'Demo', '--wait', '--json')) as RunResult;
    expect(followed).toMatchObject({ id: started.id, state: 'done', step: 4 });
    expect(followed.adapter?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ok('train', 'list', '--project', 'Demo')).toMatch(/^2\tdone\t4\/4\t[\d.]+\t.+\n1\tdone\t4\/4/);
  });

  it('stops a run with --wait: exit 0 once it stopped with a checkpoint; a waited status of it then exits 6', () => {
    const started = JSON.parse(ok('train', 'start', '--project', 'Demo', '--max-steps', '200', '--ctx', '512', '--json')) as RunResult;
    const stopped = JSON.parse(ok('train', 'stop', '--project', 'Demo', '--run', String(started.seq), '--wait', '--json')) as RunResult;
    expect(stopped).toMatchObject({ id: started.id, state: 'cancelled' });
    expect(stopped.message).toMatch(/Stopped at step \d+/);
    const status = tooltune('train', 'status', '--project', 'Demo', '--wait');
    expect(status.status).toBe(EXIT.runStopped);
    expect(status.stdout).toMatch(/^Run 3 \(.+\): stopped$/m);
    expect(status.stderr).toMatch(/run 3 stopped: Stopped at step \d+/);
  });
});
