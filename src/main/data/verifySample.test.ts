import { describe, expect, it } from 'vitest';
import type { Sample } from '../../shared/data/conversation';
import { DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH } from '../../shared/data/synthesis/demoPhrasings';
import { generateSamples } from '../../shared/data/synthesis/synthesizer';
import { DEMO_TOOLS } from './testing/demoTools';
import { ArgumentValidator, verifySample } from './verifySample';

const weather = DEMO_TOOLS[0] as (typeof DEMO_TOOLS)[number];
const base = (messages: Sample['messages'], extra: Partial<Sample> = {}): Sample => ({ messages, tools: [weather], kind: 'simple', ...extra });
const call = (args: Record<string, unknown>, name = 'get_weather') => ({ role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name, arguments: args }] });
const failed = (sample: unknown) => verifySample(sample, new ArgumentValidator()).checks.filter((c) => !c.ok);

describe('ArgumentValidator patterns', () => {
  it('runs a pattern prone to catastrophic backtracking in linear time, and does not enforce one RE2 cannot run', () => {
    const validator = new ArgumentValidator();
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)*$' }, t: { type: 'string', pattern: '^(?!x)' } } };
    const started = performance.now();
    expect(validator.check(schema, { s: `${'a'.repeat(100_000)}b` })).toMatchObject([{ pointer: '/s', message: expect.stringContaining('pattern') }]);
    expect(validator.check(schema, { s: 'a'.repeat(100_000) })).toBeNull();
    // JavaScript's backtracking engine needs ~2^n steps for the first call; RE2 does both in well under a second.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(validator.check(schema, { t: 'xyz' })).toBeNull();
  });
});

describe('verifySample', () => {
  it('passes every generated Demo sample, in both languages, with and without augmentations', () => {
    const validator = new ArgumentValidator();
    const samples = [
      ...generateSamples(DEMO_TOOLS, [DEMO_PHRASINGS_EN, DEMO_PHRASINGS_ZH], { seed: 11, languages: { en: 1, zh: 1 } }, 1500),
      ...generateSamples(DEMO_TOOLS, [DEMO_PHRASINGS_EN], { seed: 12, augment: { nameMasking: 0.5, distractors: 3 } }, 500),
    ];
    const failures = samples.map((s) => verifySample(s, validator)).filter((v) => !v.ok);
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('reports format, unknown tools and schema violations with pointers', () => {
    expect(failed({ messages: [] })).toMatchObject([{ check: 'format', pointer: '/messages' }]);
    expect(failed(base([{ role: 'user', content: 'hi' }]))).toMatchObject([{ check: 'format', pointer: '/messages/0' }]);
    expect(failed(base([{ role: 'user', content: 'x' }, call({ city: 'Oslo' }, 'get_wether')]))).toMatchObject([{ check: 'tool_exists', pointer: '/messages/1/toolCalls/0/name' }]);
    expect(failed(base([{ role: 'user', content: 'x' }, call({ unit: 'kelvin', extra: 1 })])).map((c) => c.pointer).sort()).toEqual([
      '/messages/1/toolCalls/0/arguments/city',
      '/messages/1/toolCalls/0/arguments/extra',
      '/messages/1/toolCalls/0/arguments/unit',
    ]);
  });

  it('checks that missing-argument samples ask before calling, and no-call samples call nothing', () => {
    const ask = (opener: string) =>
      base(
        [
          { role: 'user', content: opener },
          { role: 'assistant', content: 'Which city?', toolCalls: [] },
          { role: 'user', content: 'Lima' },
          call({ city: 'Lima' }),
        ],
        { kind: 'missing_argument', meta: { missingArgument: 'city' } },
      );
    expect(failed(ask("What's the weather?"))).toEqual([]);
    expect(failed(ask("What's the weather in lima?"))).toMatchObject([{ check: 'missing_argument', pointer: '/messages/0' }]);
    expect(failed({ ...ask('x'), meta: {} })).toMatchObject([{ check: 'missing_argument', pointer: '/meta' }]);
    expect(failed(base([{ role: 'user', content: 'hi' }, call({ city: 'Oslo' })], { kind: 'no_call' }))).toMatchObject([{ check: 'no_call', pointer: '/messages/1' }]);
  });

  it('compiles each schema once and survives schemas that do not compile', () => {
    const validator = new ArgumentValidator();
    const broken = { ...weather, parameters: { type: 'object', properties: { a: { $ref: '#/nowhere' } } } };
    const sample = { ...base([{ role: 'user', content: 'x' }, call({ a: 1 }, weather.name)]), tools: [broken] };
    expect(verifySample(sample, validator).checks.find((c) => !c.ok)?.message).toContain('does not compile');
  });
});
