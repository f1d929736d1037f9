import { describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from './workerEntry';

describe('resolveWorkerEntry', () => {
  it('uses the built .js entry next to a bundled chunk and the .ts entry through tsx from sources', () => {
    expect(resolveWorkerEntry('dataWorker', 'file:///app/out/main/index-abc123.js')).toEqual({
      script: new URL('file:///app/out/main/dataWorker.js'),
      evalScript: false,
    });
    const fromSources = resolveWorkerEntry('dataWorker', import.meta.url);
    expect(fromSources.evalScript).toBe(true);
    expect(fromSources.script).toContain('dataWorker.ts');
    expect(fromSources.script).toContain('tsx');
  });
});

describe('WorkerPool (the warm import worker)', () => {
  const tools = JSON.stringify([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]);

  it('answers request after request from one warm worker, and replaces one that ran past its time limit', async () => {
    const { importToolsOffThread, importWorkers } = await import('./tools/importInWorker');
    const before = importWorkers.spawned;
    const first = performance.now();
    expect((await importToolsOffThread(tools)).tools.map((t) => t.name)).toEqual(['get_weather']);
    const cold = performance.now() - first;
    const started = performance.now();
    for (let i = 0; i < 5; i++) expect((await importToolsOffThread(tools)).problems).toEqual([]);
    const warm = (performance.now() - started) / 5;
    expect(importWorkers.spawned - before).toBe(1);
    expect(warm).toBeLessThan(cold);

    // A request that cannot finish in time: the worker is stopped and the next request gets a fresh one.
    const many = JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ type: 'function', function: { name: `tool_${i}`, description: 'x', parameters: { type: 'object' } } })));
    const late = await importToolsOffThread(many, { timeoutMs: 1 });
    expect(late.problems[0]?.message).toMatch(/took longer than .* and was stopped/);
    expect((await importToolsOffThread(tools)).tools.map((t) => t.name)).toEqual(['get_weather']);
    expect(importWorkers.spawned - before).toBe(2);
  }, 60_000);
});
