import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/runCli';
import { EXIT, exitCodeForRun } from './exitCodes';

let dataDir: string;
const tooltune = (...args: string[]) => runCli(dataDir, ...args);

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tooltune-train-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('exit codes of a followed run', () => {
  it('name each way a run can end, the trainer failures a script may act on apart', () => {
    expect(exitCodeForRun({ state: 'done', errorCode: null })).toBe(0);
    expect(exitCodeForRun({ state: 'cancelled', errorCode: null })).toBe(6);
    expect(exitCodeForRun({ state: 'failed', errorCode: 'dataset' })).toBe(7);
    expect(exitCodeForRun({ state: 'failed', errorCode: 'diverged' })).toBe(8);
    expect(exitCodeForRun({ state: 'failed', errorCode: 'out_of_memory' })).toBe(9);
    expect(exitCodeForRun({ state: 'interrupted', errorCode: null })).toBe(10);
  });
});

// Each test starts several CLI processes through tsx: allow for a loaded machine. None needs the trainer.
describe('tooltune models and train without a trainer', { timeout: 180_000 }, () => {
  it('lists an empty library, and refuses files that are missing or not GGUF, naming their full path', () => {
    const listed = tooltune('models', 'list', '--json');
    expect(listed.status, listed.stderr).toBe(EXIT.ok);
    expect(JSON.parse(listed.stdout)).toEqual([]);

    const notGguf = join(dataDir, 'notes.txt');
    writeFileSync(notGguf, 'not a model');
    // a relative path is resolved against the working directory before the service (full paths only) sees it
    const bad = tooltune('models', 'add', relative(process.cwd(), notGguf));
    expect(bad.status).toBe(EXIT.invalidInput);
    expect(bad.stderr).toContain(`${notGguf} is not a usable GGUF file`);
    const missing = tooltune('models', 'add', join(dataDir, 'missing.gguf'));
    expect(missing.status).toBe(EXIT.notFound);
    expect(missing.stderr).toContain('no such file');

    expect(tooltune('models', 'remove', 'no-such-model').status).toBe(EXIT.notFound);
    expect(tooltune('models', 'use', 'no-such-model', '--project', 'Demo').status).toBe(EXIT.notFound);
    expect(tooltune('models', 'use', '--project', 'Demo').status).toBe(EXIT.usage);
    expect(tooltune('models', 'frobnicate').status).toBe(EXIT.usage);
  });

  it('has no runs to show, and refuses to start without a frozen version or with bad settings', () => {
    const listed = tooltune('train', 'list', '--project', 'Demo', '--json');
    expect(listed.status, listed.stderr).toBe(EXIT.ok);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const status = tooltune('train', 'status', '--project', 'Demo');
    expect(status.status).toBe(EXIT.notFound);
    expect(status.stderr).toMatch(/no training runs yet/);
    expect(tooltune('train', 'stop', '--project', 'Demo', '--run', '3').status).toBe(EXIT.notFound);

    const start = tooltune('train', 'start', '--project', 'Demo');
    expect(start.status).toBe(EXIT.conflict);
    expect(start.stderr).toMatch(/Freeze a dataset version/);
    expect(tooltune('train', 'start', '--project', 'Demo', '--dataset', 'v9').status).toBe(EXIT.notFound);
    expect(tooltune('train', 'start', '--project', 'Demo', '--model', 'no-such-model').status).toBe(EXIT.notFound);
    expect(tooltune('train', 'start', '--project', 'Demo', '--rank', '999').status).toBe(EXIT.invalidInput);
    expect(tooltune('train', 'start', '--project', 'Demo', '--max-steps', 'many').status).toBe(EXIT.usage);
    expect(tooltune('train', 'start', '--project', 'Demo', '--lr', '0').status).toBe(EXIT.usage);
    const backend = tooltune('train', 'start', '--project', 'Demo', '--backend', 'tpu');
    expect(backend.status).toBe(EXIT.usage);
    expect(backend.stderr).toMatch(/--backend must be one of auto, cuda, vulkan, metal, cpu/);
    expect(tooltune('train', 'status', '--project', 'Demo', '--run', 'newest').status).toBe(EXIT.usage);
    expect(tooltune('train', 'start').status).toBe(EXIT.usage);
    expect(tooltune('train', 'frobnicate', '--project', 'Demo').status).toBe(EXIT.usage);
  });

  it('documents the exit codes of a followed run', () => {
    const help = tooltune('--help');
    expect(help.status).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/train start --project <name>/);
    expect(help.stdout).toContain('0 done, 6 stopped, 7 failed, 8 diverged, 9 out of memory, 10 interrupted');
  });
});
