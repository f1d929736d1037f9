import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from '../limits';
import { importOpenAiJsonl } from './openaiJsonl';
import { SharedToolListParser } from './sharedToolLists';

const tool = (name: string) => ({
  type: 'function',
  function: { name, description: `Does ${name} with care, for the benchmark of shared lists.`, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
});
const tools = [tool('get_weather'), tool('convert_currency')];
const line = (content: string, rest: Record<string, unknown> = { tools }) => JSON.stringify({ messages: [{ role: 'user', content }], ...rest });

function parse(parser: SharedToolListParser, text: string): unknown {
  const parsed = parser.parse({ line: 1, text });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('SharedToolListParser', () => {
  it('hands out one parsed list for every line that ends with the same list, equal to JSON.parse of the line', () => {
    const parser = new SharedToolListParser();
    const first = parse(parser, line('one')) as { tools: unknown };
    const second = parse(parser, line('two "tools": [1]')) as { tools: unknown };
    expect(first).toEqual(JSON.parse(line('one')));
    expect(second).toEqual(JSON.parse(line('two "tools": [1]')));
    expect(second.tools).toBe(first.tools);
  });

  it('reads lines whose list is not the last key, is nested, or differs, exactly as JSON.parse does', () => {
    const parser = new SharedToolListParser();
    const texts = [
      line('a', { tools, parallel_tool_calls: true }),
      JSON.stringify({ messages: [{ role: 'user', content: 'b', tools }] }),
      line('c', { tools: [tool('other_tool_with_a_long_enough_name'), ...tools] }),
      line('d', { tools: JSON.stringify(tools) }),
      line('e', { functions: tools.map((t) => t.function) }),
      `{"messages": [], "tools" : ${JSON.stringify(tools, null, 2)} }`,
    ];
    for (const text of [...texts, ...texts]) expect(parse(parser, text)).toEqual(JSON.parse(text));
  });

  it('never differs from JSON.parse, and fails where it fails, for any record text', () => {
    const parser = new SharedToolListParser();
    const tail = fc.oneof(fc.constant(JSON.stringify(tools)), fc.constant(`${JSON.stringify(tools).slice(0, -1)},{"x":1}]`), fc.json());
    const records = fc.oneof(
      fc.tuple(fc.string(), tail).map(([content, list]) => `{"messages":[{"role":"user","content":${JSON.stringify(content)}}],"tools":${list}}`),
      fc.tuple(fc.string(), tail).map(([junk, list]) => `{"messages":${junk},"tools":${list}}`),
      fc.string().map((text) => `{"tools":${text}}`),
    );
    fc.assert(
      fc.property(records, (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(parser.parse({ line: 1, text }).ok).toBe(false);
          return;
        }
        expect(parse(parser, text)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an over-long record whole, even when its head alone would fit', () => {
    const parser = new SharedToolListParser();
    const big = line('x'.repeat(10), { tools: [...tools, tool('y'.repeat(MAX_RECORD_CHARS))] });
    const parsed = parser.parse({ line: 3, text: big });
    expect(parsed.ok).toBe(false);
  });

  it('lets the import warn on every line about a tool it left out, and say what it changed once', () => {
    const broken = { type: 'function', function: { description: 'a tool without a name', parameters: { type: 'object' } } };
    const pythonic = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'str' } } } } };
    const text = [1, 2, 3].map((n) => line(`question ${n}`, { tools: [broken, pythonic, ...tools] }) + '\n').join('');
    const read = importOpenAiJsonl(text.replace(/"question \d"}]/g, (m) => `${m.slice(0, -2)}},{"role":"assistant","content":"ok"}]`));
    expect(read.samples).toHaveLength(3);
    expect(read.samples[1]?.tools).toBe(read.samples[0]?.tools);
    expect(read.problems.filter((p) => p.message.includes('left out')).map((p) => p.line)).toEqual([1, 2, 3]);
    expect(read.problems.filter((p) => p.message.includes('"lookup"')).map((p) => p.line)).toEqual([1]);
  });
});
