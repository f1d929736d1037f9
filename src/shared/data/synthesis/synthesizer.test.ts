import { describe, expect, it } from 'vitest';
import { callsOf, parseSample, SAMPLE_KINDS, type Sample } from '../conversation';
import { DEMO_TOOLS } from '../../../main/data/testing/demoTools';
import { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH } from './demoPhrasings';
import { generateSamples, Synthesizer } from './synthesizer';

const phrasings = [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH];

describe('schema-driven synthesis', () => {
  const samples = generateSamples(DEMO_TOOLS, phrasings, { seed: 42, languages: { en: 3, zh: 1 } }, 2000);

  it('is deterministic per seed and per index, in any slice', () => {
    expect(generateSamples(DEMO_TOOLS, phrasings, { seed: 42, languages: { en: 3, zh: 1 } }, 20, 100)).toEqual(samples.slice(100, 120));
    expect(generateSamples(DEMO_TOOLS, phrasings, { seed: 43, languages: { en: 3, zh: 1 } }, 20, 100)).not.toEqual(samples.slice(100, 120));
  });

  it('produces valid samples of every kind, in both languages, with a default no-call share of 10–20%', () => {
    for (const sample of samples) expect(parseSample(JSON.parse(JSON.stringify(sample)))).toEqual({ sample });
    const kinds = new Set(samples.map((s) => s.kind));
    expect([...kinds].sort()).toEqual([...SAMPLE_KINDS].sort());
    const noCall = samples.filter((s) => s.kind === 'no_call').length / samples.length;
    expect(noCall).toBeGreaterThan(0.1);
    expect(noCall).toBeLessThan(0.2);
    expect(samples.some((s) => s.meta?.['language'] === 'zh' && /[\u4e00-\u9fff]/.test(s.messages[0]?.content ?? ''))).toBe(true);
    for (const sample of samples) expect(sample.messages.at(-1)?.role).toBe('assistant');
  });

  it('builds each kind the way GUIDE §5 describes it', () => {
    const of = (kind: Sample['kind']): Sample => samples.find((s) => s.kind === kind) as Sample;
    const assistantTurnsWithCalls = (s: Sample) => s.messages.filter((m) => m.role === 'assistant' && m.toolCalls.length > 0);
    expect(callsOf(of('no_call'))).toEqual([]);
    const parallel = assistantTurnsWithCalls(of('parallel'))[0];
    expect(parallel?.role === 'assistant' && parallel.toolCalls.length).toBeGreaterThan(1);
    const parallelMultiple = assistantTurnsWithCalls(of('parallel_multiple'))[0];
    expect(new Set(parallelMultiple?.role === 'assistant' ? parallelMultiple.toolCalls.map((c) => c.name) : []).size).toBeGreaterThan(1);
    const missing = of('missing_argument');
    expect(missing.messages.map((m) => m.role).slice(0, 4)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(callsOf(missing)[0]?.arguments).toHaveProperty(missing.meta?.['missingArgument'] as string);
    const story = callsOf(of('generate_and_save'))[0];
    expect(story?.name).toBe('save_story');
    expect(String(story?.arguments['content']).length).toBeGreaterThan(500);
    const dependent = of('dependent');
    expect(assistantTurnsWithCalls(dependent)).toHaveLength(2);
    expect(of('multiple').tools.length).toBeGreaterThan(1);
  });

  it('feeds one result into the next call in dependent samples', () => {
    const chained = samples.find((s) => s.kind === 'dependent' && callsOf(s)[0]?.name === 'convert_currency') as Sample;
    const firstResult = JSON.parse(chained.messages.find((m) => m.role === 'tool')?.content ?? '{}');
    expect(callsOf(chained)[1]?.arguments['amount']).toBe(firstResult.converted);
  });

  it('honours the mix and reports kinds the tools cannot support', () => {
    const weatherOnly = new Synthesizer([DEMO_TOOLS[0] as (typeof DEMO_TOOLS)[number]], [DEMO_PHRASINGS_EN], { seed: 1, mix: { simple: 1, parallel_multiple: 1, dependent: 1 }, augment: { distractors: 0 } });
    expect(weatherOnly.unavailable.sort()).toEqual(['dependent', 'parallel_multiple']);
    expect(Object.keys(weatherOnly.mix).sort()).toEqual(['simple']);
  });

  it('masks names consistently when asked to', () => {
    const masked = generateSamples(DEMO_TOOLS, phrasings, { seed: 5, augment: { nameMasking: 1 }, mix: { simple: 1 } }, 20);
    for (const sample of masked) {
      const names = new Set(sample.tools.map((t) => t.name));
      for (const call of callsOf(sample)) {
        expect(names.has(call.name)).toBe(true);
        expect(call.name).toMatch(/^func_/);
        const properties = sample.tools.find((t) => t.name === call.name)?.parameters['properties'] as Record<string, unknown>;
        for (const key of Object.keys(call.arguments)) expect(properties).toHaveProperty(key);
      }
    }
  });

  it('generates for tools without hand-written templates from starter templates', () => {
    const tool = { name: 'create_ticket', description: 'Open a support ticket.', parameters: { type: 'object', properties: { title: { type: 'string' }, priority: { type: 'string', enum: ['low', 'high'] } }, required: ['title'] } };
    const generated = generateSamples([tool], [], { seed: 3 }, 50);
    expect(generated.length).toBe(50);
    expect(generated.some((s) => s.kind === 'missing_argument')).toBe(true);
    expect(generated.find((s) => s.kind === 'simple')?.messages[0]?.content).toMatch(/create ticket/);
  });
});
