import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBuiltin } from './builtinTools';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'tooltune-builtins-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

describe('built-in tools', () => {
  it('write, append, read and list files under the argument names of the user\'s tool', () => {
    const write = { kind: 'builtin', builtin: 'write_file', pathArgument: 'file', contentArgument: 'text' } as const;
    expect(runBuiltin(write, { file: 'notes/today.md', text: 'one' }, workspace)).toEqual({ ok: true, files: ['notes/today.md'], content: '{"saved":"notes/today.md","bytes":3}' });
    runBuiltin({ ...write, builtin: 'append_file' }, { file: 'notes/today.md', text: ', two' }, workspace);
    expect(readFileSync(join(workspace, 'notes/today.md'), 'utf8')).toBe('one, two');
    expect(runBuiltin({ kind: 'builtin', builtin: 'read_file', pathArgument: 'file' }, { file: 'notes/today.md' }, workspace).content).toBe('one, two');
    expect(JSON.parse(runBuiltin({ kind: 'builtin', builtin: 'list_files' }, {}, workspace).content)).toEqual([
      { path: 'notes', type: 'folder', bytes: 0 },
      { path: 'notes/today.md', type: 'file', bytes: 8 },
    ]);
    expect(() => runBuiltin(write, { file: '../outside.txt', text: 'x' }, workspace)).toThrow(/leaves the workspace/);
    expect(() => runBuiltin(write, { file: 'a.txt', text: 42 }, workspace)).toThrow('the argument "text" must be a string');
  });

  it('a title becomes one safe file name', () => {
    const save = { kind: 'builtin', builtin: 'write_file', pathArgument: 'title', pathFrom: 'title' } as const;
    expect(runBuiltin(save, { title: 'Rust/and Stars', content: 'x' }, workspace).files).toEqual(['Rust-and Stars.txt']);
  });

  it('date and time, the calculator and the demo tables answer without touching anything', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(JSON.parse(runBuiltin({ kind: 'builtin', builtin: 'datetime' }, {}, workspace, now).content)).toMatchObject({ iso: '2026-12-01T12:00:00.000Z' });
    expect(JSON.parse(runBuiltin({ kind: 'builtin', builtin: 'calculator', expressionArgument: 'q' }, { q: '2 ^ 10 + sqrt(16)' }, workspace).content)).toEqual({ expression: '2 ^ 10 + sqrt(16)', result: 1028 });
    expect(JSON.parse(runBuiltin({ kind: 'builtin', builtin: 'demo_currency' }, { amount: 100, from: 'USD', to: 'EUR' }, workspace).content)).toMatchObject({ converted: 92 });
    const unknown = runBuiltin({ kind: 'builtin', builtin: 'demo_weather' }, { city: 'Atlantis' }, workspace);
    expect(unknown.ok).toBe(false);
    expect(unknown.content).toMatch(/no weather for \\"Atlantis\\" in the demo table/);
  });
});
