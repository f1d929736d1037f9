import { describe, expect, it } from 'vitest';
import { importToolsOffThread, validateToolsOffThread } from './importInWorker';

const openAiTools = JSON.stringify([
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
]);

describe('importToolsOffThread', () => {
  it('parses and validates in a worker, ajv problems included', async () => {
    const result = await importToolsOffThread(openAiTools, { existingNames: [] });
    expect(result).toEqual({ format: 'openai', tools: [expect.objectContaining({ name: 'get_weather' })], problems: [] });
    const badType = openAiTools.replace('"type":"string"', '"type":"text"');
    expect((await importToolsOffThread(badType)).problems).toEqual([
      expect.objectContaining({ severity: 'error', toolIndex: 0, pointer: '/properties/city/type' }),
    ]);
  });

  it('reports name clashes with existing tools', async () => {
    const result = await importToolsOffThread(openAiTools, { existingNames: ['get_weather'] });
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('already exists') })]);
  });

  it('stops a worker that runs past the time limit', async () => {
    const started = Date.now();
    const result = await importToolsOffThread(openAiTools, { timeoutMs: 1 });
    expect(result).toEqual({ format: null, tools: [], problems: [{ severity: 'error', pointer: '', message: 'import took longer than 0 s and was stopped' }] });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('imports a pattern prone to catastrophic backtracking without hanging: RE2 runs it in linear time', async () => {
    const text = openAiTools.replace('"type":"string"', '"type":"string","pattern":"^(a|a)*$","default":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"');
    const result = await importToolsOffThread(text);
    expect(result.problems).toEqual([]);
  });
});

describe('validateToolsOffThread', () => {
  it('validates edited tools against existing names', async () => {
    const tool = { name: 'save', description: 'Save', parameters: { type: 'object', properties: { a: { $ref: 'http://x/y' } } } };
    const problems = await validateToolsOffThread([tool], ['save']);
    expect(problems.map((p) => [p.severity, p.pointer])).toEqual([
      ['error', ''],
      ['error', '/properties/a/$ref'],
    ]);
  });
});
