import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDatasetFormat } from './detect';
import { importAlpaca } from './alpaca';

const weather = { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const time = { name: 'get_time', description: 'Local time', parameters: { type: 'object', properties: { tz: { type: 'str' } } } };

// The layouts met in xLAM-derived Alpaca sets, one row each, then rows that cannot be read.
const rows = [
  {
    instruction: `You are a helpful assistant with access to the following tools:\n${JSON.stringify([weather, time])}\nCall the right tool for the query.`,
    input: 'Weather in Oslo?',
    output: JSON.stringify([{ name: 'get_weather', arguments: { city: 'Oslo' } }]),
  },
  {
    instruction: `<tools>\n${JSON.stringify({ type: 'function', function: weather })}\n${JSON.stringify({ type: 'function', function: time })}\n</tools>\nWhat time is it in Tokyo, and the weather in Rome?`,
    input: '',
    output: `<tool_call>\n${JSON.stringify({ name: 'get_time', arguments: { tz: 'Asia/Tokyo' } })}\n</tool_call>\n<tool_call>\n${JSON.stringify({ name: 'get_weather', arguments: { city: 'Rome' } })}\n</tool_call>`,
  },
  { instruction: `Tools: ${JSON.stringify([weather])}`, input: 'Tell me a joke.', output: 'I can only tell you the weather.' },
  { system: `Functions: ${JSON.stringify([weather])}`, instruction: 'Weather in Lima?', output: `<functioncall> {"name": "get_weather", "arguments": '{"city": "Lima"}'}` },
  { instruction: `Tools: ${JSON.stringify([weather])}`, input: 'Weather?', output: '[{"name": "get_weather", "arguments": {"city": ' },
  { instruction: 'Weather in Paris?' },
  { instruction: JSON.stringify([weather]), input: '', output: 'x' },
];
const text = rows.map((row) => JSON.stringify(row)).join('\n');

describe('Alpaca rows with tools in the text', () => {
  it('is detected as Alpaca', () => {
    expect(detectDatasetFormat(text.split('\n'))).toBe('alpaca');
    expect(detectDatasetFormat([text.slice(0, 100)])).toBe('alpaca');
  });

  it('reads the common layouts and reports the rest by row', () => {
    const { samples, problems, tools } = importAlpaca(text);
    expect(samples).toHaveLength(4);
    expect(samples[0]?.messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant with access to the following tools:\n\nCall the right tool for the query.' },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
    ]);
    expect(samples[0]?.tools.map((t) => t.name)).toEqual(['get_weather', 'get_time']);
    expect(samples[1]?.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(samples[1]?.messages[0]?.content).toBe('What time is it in Tokyo, and the weather in Rome?');
    expect(samples[1]?.messages[1]).toMatchObject({ toolCalls: [{ name: 'get_time', arguments: { tz: 'Asia/Tokyo' } }, { name: 'get_weather', arguments: { city: 'Rome' } }] });
    expect(samples[2]?.messages.at(-1)).toEqual({ role: 'assistant', content: 'I can only tell you the weather.', toolCalls: [] });
    expect(samples[3]?.messages).toEqual([
      { role: 'system', content: 'Functions:' },
      { role: 'user', content: 'Weather in Lima?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Lima' } }] },
    ]);
    // Python type names in the embedded tools are read as JSON Schema, like everywhere else.
    expect(tools.find((t) => t.name === 'get_time')?.parameters).toMatchObject({ properties: { tz: { type: 'string' } } });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      { line: 5, severity: 'error', message: 'the output looks like JSON but is not a call or a list of calls' },
      { line: 6, severity: 'error', message: '"output" is missing or not text' },
      { line: 7, severity: 'error', message: expect.stringContaining('has no request') },
    ]);
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (t) => void importAlpaca(t)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importAlpaca(new TextDecoder().decode(bytes))));
    fc.assert(
      fc.property(fc.nat(text.length), fc.nat(text.length), fc.string(), (at, cut, insert) => void importAlpaca(text.slice(0, at) + insert + text.slice(Math.min(text.length, at + (cut % 40))))),
    );
  });
});
