import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignSequentialCallIds, callsOf, parseSample, type Message } from './conversation';
import { MAX_MESSAGES } from './limits';
import { sampleArb, textArb } from './testing/arbitraries';

const valid = {
  messages: [
    { role: 'user', content: 'Weather in Oslo?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'get_weather', arguments: { city: 'Oslo' } }] },
    { role: 'tool', toolCallId: 'a', name: 'get_weather', content: '{"t": 3}' },
    { role: 'assistant', content: 'It is 3 degrees.', toolCalls: [], weight: 1 },
  ],
  tools: [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object' }, binding: { kind: 'http' } }],
  kind: 'simple',
  meta: { language: 'en' },
};

describe('parseSample', () => {
  it('returns a plain copy of a valid sample, without tool bindings', () => {
    const result = parseSample(valid);
    expect(result).toEqual({ sample: { ...valid, tools: [{ name: 'get_weather', description: 'Weather.', parameters: { type: 'object' } }] } });
    if ('sample' in result) expect(result.sample.messages[1]).not.toBe(valid.messages[1]);
  });

  it('reports structural problems with pointers and stops after a few', () => {
    const bad = {
      ...valid,
      kind: 'weird',
      messages: [
        { role: 'user', content: 5 },
        { role: 'tool', toolCallId: 'nope', name: 'x', content: '' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: [] }], weight: 2 },
        ...Array.from({ length: 40 }, () => ({ role: 'robot', content: '' })),
      ],
    };
    const result = parseSample(bad);
    expect('problems' in result && result.problems.slice(0, 4).map((p) => p.pointer)).toEqual([
      '/messages/0/content',
      '/messages/1/toolCallId',
      '/messages/2/toolCalls/0/arguments',
      '/messages/2/weight',
    ]);
    expect('problems' in result && result.problems.length).toBe(20);
    expect(parseSample({ messages: Array.from({ length: MAX_MESSAGES + 1 }, () => ({ role: 'user', content: '' })) })).toMatchObject({ problems: [{ pointer: '/messages' }] });
  });

  it("keeps an assistant turn's reasoning and refuses one that is not text", () => {
    const withReasoning = { ...valid, messages: [valid.messages[0], { ...valid.messages[1], reasoning: 'Oslo is a city.' }, valid.messages[2], valid.messages[3]] };
    const result = parseSample(withReasoning);
    expect('sample' in result && result.sample.messages[1]).toMatchObject({ role: 'assistant', reasoning: 'Oslo is a city.' });
    const bad = parseSample({ ...valid, messages: [valid.messages[0], { ...valid.messages[1], reasoning: 42 }, valid.messages[2]] });
    expect(bad).toEqual({ problems: [{ pointer: '/messages/1/reasoning', message: expect.stringContaining('reasoning must be a string') }] });
  });

  it('drops prototype keys and refuses values nested too deep', () => {
    const hostile = JSON.parse('{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"","toolCalls":[{"id":"a","name":"f","arguments":{"__proto__":{"polluted":true},"ok":1}}]}],"tools":[]}');
    const result = parseSample(hostile);
    expect('sample' in result && callsOf(result.sample)[0]?.arguments).toEqual({ ok: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const tooDeep = { messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: deep }] }] };
    expect(parseSample(tooDeep)).toMatchObject({ problems: [{ message: expect.stringContaining('nested deeper') }] });
  });

  it('numbers calls in order and keeps results pointing at them', () => {
    const messages: Message[] = [
      { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'f', arguments: {} }, { id: 'y', name: 'g', arguments: {} }] },
      { role: 'tool', toolCallId: 'y', name: 'g', content: '' },
    ];
    assignSequentialCallIds(messages);
    expect(messages[1]).toMatchObject({ toolCallId: 'call_2' });
  });

  it('accepts every valid generated sample and never throws on anything', () => {
    const shape = { maxCallsPerTurn: 3, contentWithCalls: true, openAiExtras: true, freeIds: true, laterSystem: true, text: textArb() };
    fc.assert(fc.property(sampleArb(shape), (sample) => {
        expect(parseSample(sample)).toEqual({ sample });
      }));
    fc.assert(fc.property(fc.anything(), (value) => void parseSample(value)));
    fc.assert(fc.property(fc.record({ messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'tool'), content: fc.anything(), toolCalls: fc.anything(), toolCallId: fc.string() })) }), (value) => void parseSample(value)));
  });
});
