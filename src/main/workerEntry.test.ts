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
