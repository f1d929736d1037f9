import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damagedTextArb, sampleArb, textArb } from '../testing/arbitraries';
import { exportShareGpt, importShareGpt, shareGptDatasetInfo } from './sharegpt';

// LLaMA-Factory's data/glaive_toolcall_en_demo.json style, as a JSON array.
const fixture = `[
  {
    "conversations": [
      {"from": "human", "value": "Hi, I have some ingredients and I want to cook something. Can you help me find a recipe?"},
      {"from": "gpt", "value": "Of course! Could you tell me what ingredients you have?"},
      {"from": "human", "value": "I have chicken, bell peppers, and rice."},
      {"from": "function_call", "value": "{\\"name\\": \\"search_recipes\\", \\"arguments\\": {\\"ingredients\\": [\\"chicken\\", \\"bell peppers\\", \\"rice\\"]}}"},
      {"from": "observation", "value": "{\\"recipes\\": [{\\"name\\": \\"Chicken and Bell Pepper Stir Fry\\"}]}"},
      {"from": "gpt", "value": "I found a recipe: Chicken and Bell Pepper Stir Fry."}
    ],
    "system": "You are a cooking assistant.",
    "tools": "[{\\"name\\": \\"search_recipes\\", \\"description\\": \\"Search for recipes based on ingredients\\", \\"parameters\\": {\\"type\\": \\"object\\", \\"properties\\": {\\"ingredients\\": {\\"type\\": \\"array\\", \\"items\\": {\\"type\\": \\"string\\"}}}, \\"required\\": [\\"ingredients\\"]}}]"
  },
  {"conversations": [{"from": "narrator", "value": "?"}]},
  {
    "conversations": [
      {"from": "human", "value": "Weather in Paris and Rome?"},
      {"from": "function_call", "value": "[{\\"name\\": \\"get_weather\\", \\"arguments\\": {\\"city\\": \\"Paris\\"}}, {\\"name\\": \\"get_weather\\", \\"arguments\\": {\\"city\\": \\"Rome\\"}}]"},
      {"from": "observation", "value": "[\\"sunny\\", \\"rain\\"]"},
      {"from": "gpt", "value": "Sunny in Paris, rain in Rome."}
    ]
  }
]`;

describe('ShareGPT / LLaMA-Factory', () => {
  it('reads a JSON array with system, tools, calls and results; reports bad records by line', () => {
    const { samples, problems, tools } = importShareGpt(fixture);
    expect(samples).toHaveLength(2);
    expect(samples[0]?.messages[0]).toEqual({ role: 'system', content: 'You are a cooking assistant.' });
    expect(samples[0]?.messages[4]).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_1', name: 'search_recipes', arguments: { ingredients: ['chicken', 'bell peppers', 'rice'] } }],
    });
    expect(samples[0]?.messages[5]).toMatchObject({ role: 'tool', toolCallId: 'call_1', name: 'search_recipes' });
    expect(tools.map((t) => t.name)).toEqual(['search_recipes']);
    expect(problems).toEqual([{ line: 14, severity: 'error', message: expect.stringContaining('turn 0') }]);
    expect(samples[1]?.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['sunny', 'rain']);
  });

  it('decodes a function_call whose arguments were JSON encoded twice, and says so', () => {
    const row = {
      conversations: [
        { from: 'human', value: 'weather in Oslo?' },
        { from: 'function_call', value: JSON.stringify({ name: 'get_weather', arguments: JSON.stringify(JSON.stringify({ city: 'Oslo' })) }) },
        { from: 'observation', value: 'cold' },
      ],
    };
    const { samples, problems } = importShareGpt(JSON.stringify([row]));
    expect(samples[0]?.messages[1]).toMatchObject({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', message: 'turn 1: the arguments of "get_weather" were JSON encoded twice; decoded' })]);
  });

  it('reads Python-style type names in the tools, once per distinct tool, and says what changed', () => {
    const tools = JSON.stringify([{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'str' }, days: { type: 'int, optional' } } }, required: ['city', 'days'] }]);
    const row = { conversations: [{ from: 'human', value: 'weather in Oslo?' }, { from: 'gpt', value: 'Sunny.' }], tools };
    const { samples, problems } = importShareGpt(JSON.stringify([row, row]));
    expect(samples).toHaveLength(2);
    expect(samples[1]?.tools[0]?.parameters).toEqual({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] });
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [1, 'tool "get_weather": "required" beside parameters moved into it'],
      [1, 'tool "get_weather": /properties/city/type: Python type "str" read as "string"'],
      [1, 'tool "get_weather": /properties/days/type: Python type "int, optional" read as "integer", not required'],
    ]);
  });

  it('writes LLaMA-Factory rows and a dataset_info.json entry', () => {
    const { samples } = importShareGpt(fixture);
    const row = JSON.parse(exportShareGpt(samples).split('\n')[0] as string);
    expect(row.conversations.map((t: { from: string }) => t.from)).toEqual(['human', 'gpt', 'human', 'function_call', 'observation', 'gpt']);
    expect(typeof row.tools).toBe('string');
    expect(JSON.parse(shareGptDatasetInfo('tooltune_demo', 'demo.jsonl'))).toMatchObject({
      tooltune_demo: { file_name: 'demo.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations', tools: 'tools', system: 'system' } },
    });
  });

  const shape = { maxCallsPerTurn: 3, contentWithCalls: false, openAiExtras: false, freeIds: false, laterSystem: true, text: textArb() };

  it('export → import is the identity', () => {
    fc.assert(
      fc.property(fc.array(sampleArb(shape), { maxLength: 4 }), (samples) => {
        const imported = importShareGpt(exportShareGpt(samples));
        expect(imported.problems).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (text) => void importShareGpt(text)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importShareGpt(new TextDecoder().decode(bytes))));
    fc.assert(fc.property(damagedTextArb(fc.array(sampleArb(shape), { maxLength: 3 }).map(exportShareGpt)), (text) => void importShareGpt(text)));
  });
});
