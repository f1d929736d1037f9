import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damagedTextArb, sampleArb, textArb } from '../testing/arbitraries';
import { detectDatasetFormat } from './detect';
import { exportGlaive, importGlaive, parseGlaiveCall } from './glaive';

// A real-shaped row of glaiveai/glaive-function-calling-v2.
const row = {
  system:
    'SYSTEM: You are a helpful assistant with access to the following functions. Use them if required -\n{\n    "name": "get_news_headlines",\n    "description": "Get the latest news headlines",\n    "parameters": {\n        "type": "object",\n        "properties": {\n            "country": {\n                "type": "string",\n                "description": "The country for which to fetch news"\n            }\n        },\n        "required": [\n            "country"\n        ]\n    }\n}\n',
  chat:
    'USER: Can you tell me the latest news headlines for the United States?\n\n\nASSISTANT: <functioncall> {"name": "get_news_headlines", "arguments": \'{"country": "United States"}\'} <|endoftext|>\n\n\nFUNCTION RESPONSE: {"headlines": ["Biden announces new vaccine mandates"]}\n\n\nASSISTANT: Here are the latest news headlines for the United States: Biden announces new vaccine mandates. <|endoftext|>\n\n\n',
};

describe('Glaive v2', () => {
  it('reads the system tools, the single-quoted call and the result', () => {
    const { samples, problems, tools } = importGlaive(JSON.stringify(row));
    expect(problems).toEqual([]);
    expect(tools[0]?.name).toBe('get_news_headlines');
    expect(samples[0]?.messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant with access to the following functions. Use them if required -' },
      { role: 'user', content: 'Can you tell me the latest news headlines for the United States?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_news_headlines', arguments: { country: 'United States' } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'get_news_headlines', content: '{"headlines": ["Biden announces new vaccine mandates"]}' },
      { role: 'assistant', content: 'Here are the latest news headlines for the United States: Biden announces new vaccine mandates.', toolCalls: [] },
    ]);
  });

  it('reads Glaive saved as plain text: one conversation per SYSTEM: block, problems by line', () => {
    const broken = 'SYSTEM: You are a helpful assistant.\n\n\nUSER: hi\n\n\nFUNCTION RESPONSE: {"orphan": true}\n';
    const text = `${row.system}${row.chat}${broken}${row.system}${row.chat}`;
    expect(detectDatasetFormat(text.split('\n').slice(0, 50))).toBe('glaive');
    const { samples, problems, tools } = importGlaive(text);
    expect(samples).toHaveLength(2);
    expect(samples[1]?.messages).toEqual(importGlaive(JSON.stringify(row)).samples[0]?.messages);
    expect(tools.map((t) => t.name)).toEqual(['get_news_headlines']);
    const brokenLine = 1 + `${row.system}${row.chat}`.split('\n').length - 1;
    expect(problems).toEqual([{ line: brokenLine, severity: 'error', message: 'a FUNCTION RESPONSE without a call before it' }]);
    // a conversation without a SYSTEM: line is one record too
    expect(importGlaive(row.chat).samples[0]?.messages).toHaveLength(4);
  });

  it('repairs what it can and reports what it cannot, by line', () => {
    expect(parseGlaiveCall(`{"name": "f", "arguments": '{'city': 'Paris', 'n': 2, 'ok': True}'}`)).toEqual({
      call: { name: 'f', arguments: { city: 'Paris', n: 2, ok: true } },
      repair: 'Python-style literal',
    });
    expect(parseGlaiveCall(`{"name": "f", "arguments": '{"q": "it\\'s"}'}`)).toMatchObject({ call: { arguments: { q: "it's" } }, repair: 'escaped quotes' });
    expect(parseGlaiveCall('{"name": "f", "arguments": {"a": 1}}')).toEqual({ call: { name: 'f', arguments: { a: 1 } } });
    const broken = { system: 'SYSTEM: hi', chat: `USER: x\n\n\nASSISTANT: <functioncall> {"name": "f", "arguments": '{city: Paris'} <|endoftext|>` };
    const text = [JSON.stringify(row), JSON.stringify(broken), JSON.stringify({ system: 'SYSTEM: hi', chat: `USER: y\n\n\nASSISTANT: <functioncall> {"name": "f", "arguments": '{'a': 'b'}'} <|endoftext|>` })].join('\n');
    const { samples, problems } = importGlaive(text);
    expect(samples).toHaveLength(2);
    expect(problems).toEqual([
      { line: 2, severity: 'error', message: expect.stringContaining('could not repair') },
      { line: 3, severity: 'warning', message: 'repaired call arguments (Python-style literal)' },
    ]);
  });

  it('writes calls the way Glaive does', () => {
    const { samples } = importGlaive(JSON.stringify(row));
    const written = JSON.parse(exportGlaive(samples));
    expect(written.chat).toContain(`ASSISTANT: <functioncall> {"name": "get_news_headlines", "arguments": '{"country":"United States"}'} <|endoftext|>`);
    expect(written.system.startsWith('SYSTEM: You are a helpful assistant')).toBe(true);
  });

  const shape = { maxCallsPerTurn: 1, contentWithCalls: true, openAiExtras: false, freeIds: false, laterSystem: false, text: textArb({ braces: false }) };

  it('export → import is the identity', () => {
    fc.assert(
      fc.property(fc.array(sampleArb(shape), { maxLength: 4 }), (samples) => {
        const imported = importGlaive(exportGlaive(samples));
        expect(imported.problems).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (text) => void importGlaive(text)));
    fc.assert(fc.property(fc.string().map((s) => JSON.stringify({ system: `SYSTEM: ${s}`, chat: `USER: ${s}\nASSISTANT: <functioncall> ${s}` })), (text) => void importGlaive(text)));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importGlaive(new TextDecoder().decode(bytes))));
    // plain text: any words between SYSTEM:, USER:, ASSISTANT: and FUNCTION RESPONSE: lines
    const plainTurn = fc.tuple(fc.constantFrom('SYSTEM: ', 'USER: ', 'ASSISTANT: ', 'ASSISTANT: <functioncall> ', 'FUNCTION RESPONSE: '), fc.string());
    fc.assert(fc.property(fc.array(plainTurn, { maxLength: 8 }), (turns) => void importGlaive(`SYSTEM: ${turns.map(([tag, text]) => tag + text).join('\n')}`)));
    fc.assert(fc.property(damagedTextArb(fc.array(sampleArb(shape), { maxLength: 3 }).map(exportGlaive)), (text) => void importGlaive(text)));
  });
});
