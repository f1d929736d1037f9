import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damagedTextArb, sampleArb, textArb } from '../testing/arbitraries';
import { detectDatasetFormat } from './detect';
import { exportLlamaFactory, importLlamaFactory } from './llamaFactory';

// LLaMA-Factory's typed-parts messages, as its newer converters write them.
const fixture = [
  {
    messages: [
      { role: 'user', content: [{ type: 'text', value: 'What are the schools near latitude 40?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', value: 'The user wants schools; search_schools takes a latitude.' },
          { type: 'tool_call', value: JSON.stringify({ name: 'search_schools', arguments: { latitude: 40 } }) },
        ],
      },
      { role: 'tool', content: [{ type: 'text', value: '["Lincoln High"]' }] },
      { role: 'assistant', content: [{ type: 'text', value: 'Lincoln High is near.' }] },
    ],
    tools: JSON.stringify([{ name: 'search_schools', description: 'Schools near a point', parameters: { type: 'object', properties: { latitude: { type: 'number' } }, required: ['latitude'] } }]),
  },
  { messages: [{ role: 'user', content: [{ type: 'image_url', value: 'x.png' }] }] },
]
  .map((row) => JSON.stringify(row))
  .join('\n');

describe('LLaMA-Factory typed-parts messages', () => {
  it('is detected apart from OpenAI messages', () => {
    expect(detectDatasetFormat(fixture.split('\n'))).toBe('llamafactory');
    expect(detectDatasetFormat([fixture.slice(0, 180)])).toBe('llamafactory');
    expect(detectDatasetFormat([JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })])).toBe('openai');
  });

  it('reads text, reasoning and tool_call parts, tools as a JSON string, and reports unknown parts by line', () => {
    const { samples, problems, tools } = importLlamaFactory(fixture);
    expect(samples).toHaveLength(1);
    expect(samples[0]?.messages[1]).toEqual({
      role: 'assistant',
      content: '',
      reasoning: 'The user wants schools; search_schools takes a latitude.',
      toolCalls: [{ id: 'call_1', name: 'search_schools', arguments: { latitude: 40 } }],
    });
    expect(samples[0]?.messages[2]).toEqual({ role: 'tool', toolCallId: 'call_1', name: 'search_schools', content: '["Lincoln High"]' });
    expect(tools.map((t) => t.name)).toEqual(['search_schools']);
    expect(problems).toEqual([{ line: 2, severity: 'error', message: expect.stringContaining('"image_url"') }]);
  });

  const shape = { maxCallsPerTurn: 3, contentWithCalls: true, openAiExtras: false, freeIds: false, laterSystem: true, reasoning: true, text: textArb() };

  it('export → import is the identity, reasoning included', () => {
    fc.assert(
      fc.property(fc.array(sampleArb(shape), { maxLength: 4 }), (samples) => {
        const imported = importLlamaFactory(exportLlamaFactory(samples));
        expect(imported.problems).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (text) => void importLlamaFactory(text)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importLlamaFactory(new TextDecoder().decode(bytes))));
    fc.assert(fc.property(damagedTextArb(fc.array(sampleArb(shape), { maxLength: 3 }).map(exportLlamaFactory)), (text) => void importLlamaFactory(text)));
  });
});
