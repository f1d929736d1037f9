import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damagedTextArb, sampleArb, textArb } from '../testing/arbitraries';
import { exportOpenAiJsonl, importOpenAiJsonl } from './openaiJsonl';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};
const fixture = [
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: "What's the weather in Paris and Tokyo?" },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Tokyo", "unit": "celsius"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"temperature": 18}' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"temperature": 24}' },
      { role: 'assistant', content: 'Paris is 18 °C and Tokyo 24 °C.', weight: 1 },
    ],
    tools: [weatherTool],
    parallel_tool_calls: true,
  }),
  '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!", "weight": 0}]}',
  'not json at all',
  '{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{broken"}}]}]}',
  '',
  '{"messages": [{"role": "tool", "tool_call_id": "nope", "content": "orphan"}]}',
].join('\n');

describe('OpenAI fine-tuning JSONL', () => {
  it('reads calls, results, weights and tools, and reports broken lines by number', () => {
    const { samples, problems, tools } = importOpenAiJsonl(fixture);
    expect(samples).toHaveLength(2);
    const [first] = samples;
    expect(first?.parallelToolCalls).toBe(true);
    expect(first?.messages[2]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_b', name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } },
      ],
    });
    expect(first?.messages[4]).toEqual({ role: 'tool', toolCallId: 'call_b', name: 'get_weather', content: '{"temperature": 24}' });
    expect(samples[1]?.messages[1]).toMatchObject({ weight: 0 });
    expect(tools.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [3, 'error'],
      [4, 'error'],
      [6, 'error'],
    ]);
    expect(problems[1]?.message).toContain('not a JSON object');
  });

  it('writes arguments as JSON strings and content null for call-only turns', () => {
    const { samples } = importOpenAiJsonl(fixture);
    const line = JSON.parse(exportOpenAiJsonl(samples).split('\n')[0] as string);
    expect(line.messages[2].content).toBeNull();
    expect(line.messages[2].tool_calls[1].function.arguments).toBe('{"city":"Tokyo","unit":"celsius"}');
    expect(line.tools).toEqual([weatherTool]);
  });

  it('reads legacy function_call lines', () => {
    const legacy = JSON.stringify({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        { role: 'function', name: 'get_weather', content: 'cold' },
      ],
      functions: [weatherTool.function],
    });
    const { samples, problems } = importOpenAiJsonl(legacy);
    expect(problems).toEqual([]);
    expect(samples[0]?.messages[2]).toEqual({ role: 'tool', toolCallId: 'call_1', name: 'get_weather', content: 'cold' });
  });

  it('decodes arguments that were JSON encoded twice, and says so; a string that is no object stays an error', () => {
    const line = (args: string) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: 'weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
        ],
      });
    const twice = JSON.stringify(JSON.stringify({ city: 'Oslo' }));
    const { samples, problems } = importOpenAiJsonl([line(twice), line(JSON.stringify('Oslo'))].join('\n'));
    expect(samples).toHaveLength(1);
    const [message] = samples[0]!.messages.slice(1);
    expect(message).toMatchObject({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    expect(problems).toEqual([
      { line: 1, severity: 'warning', message: 'message 1: the arguments of "get_weather" were JSON encoded twice; decoded' },
      expect.objectContaining({ line: 2, severity: 'error', message: expect.stringContaining('not a JSON object') }),
    ]);
  });

  const shape = { maxCallsPerTurn: 3, contentWithCalls: true, openAiExtras: true, freeIds: true, laterSystem: true, text: textArb() };

  it('export → import is the identity', () => {
    fc.assert(
      fc.property(fc.array(sampleArb(shape), { maxLength: 4 }), (samples) => {
        const imported = importOpenAiJsonl(exportOpenAiJsonl(samples));
        expect(imported.problems).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (text) => void importOpenAiJsonl(text)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importOpenAiJsonl(new TextDecoder().decode(bytes))));
    fc.assert(fc.property(damagedTextArb(fc.array(sampleArb(shape), { maxLength: 3 }).map(exportOpenAiJsonl)), (text) => void importOpenAiJsonl(text)));
  });
});
