import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { damagedTextArb, xlamSampleArb } from '../testing/arbitraries';
import { pythonTypeToSchema, schemaToPythonType } from '../../tools/pythonTypes';
import { exportXlam, importXlam } from './xlam';

// Salesforce/xlam-function-calling-60k style: a JSON array, tools and answers as JSON strings.
const fixture = JSON.stringify(
  [
    {
      id: 0,
      query: 'Where can I find live giveaways for beta access and games?',
      answers: '[{"name": "live_giveaways_by_type", "arguments": {"type": "beta"}}, {"name": "live_giveaways_by_type", "arguments": {"type": "game"}}]',
      tools:
        '[{"name": "live_giveaways_by_type", "description": "Retrieve live giveaways from the GamerPower API based on the specified type.", "parameters": {"type": {"description": "The type of giveaways to retrieve (e.g., game, loot, beta).", "type": "str", "default": "game"}}}]',
    },
    {
      id: 1,
      query: 'List the top 3 tags for posts.',
      answers: '[{"name": "get_tags", "arguments": {"limit": 3, "tags": ["a"]}}]',
      tools:
        '[{"name": "get_tags", "description": "Tags.", "parameters": {"limit": {"type": "int", "description": "How many."}, "tags": {"type": "Optional[List[str]]", "description": "Filter."}, "mode": {"type": "str, optional", "description": "Mode."}, "cb": {"type": "Callable", "description": "?"}}}]',
    },
    { id: 2, query: 'broken', answers: 'not json', tools: '[]' },
  ],
  null,
  1,
);

describe('xLAM / APIGen', () => {
  it('reads rows and turns Python type names into JSON Schema', () => {
    const { samples, problems, tools } = importXlam(fixture);
    expect(samples).toHaveLength(2);
    expect(samples[0]?.messages[1]).toMatchObject({ toolCalls: [{ id: 'call_1', arguments: { type: 'beta' } }, { id: 'call_2', arguments: { type: 'game' } }] });
    expect(samples[0]?.meta).toEqual({ sourceId: '0' });
    expect(tools[1]?.parameters).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', description: 'How many.' },
        tags: { type: 'array', items: { type: 'string' }, description: 'Filter.' },
        mode: { type: 'string', description: 'Mode.' },
        cb: { description: '?' },
      },
      required: ['limit', 'cb'],
    });
    expect(tools[0]?.parameters['required']).toEqual([]);
    expect(problems.map((p) => [p.line, p.severity])).toEqual([
      [8, 'warning'],
      [14, 'error'],
    ]);
  });

  it('maps Python type names both ways', () => {
    expect(pythonTypeToSchema('Dict[str, int]')).toEqual({ schema: { type: 'object', additionalProperties: { type: 'integer' } }, optional: false, unknown: [] });
    expect(pythonTypeToSchema('Union[int, str]').schema).toEqual({ anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(pythonTypeToSchema('float | None')).toMatchObject({ schema: { type: 'number' }, optional: true });
    expect(pythonTypeToSchema("Literal['a', 'b']").schema).toEqual({ enum: ['a', 'b'] });
    expect(schemaToPythonType({ type: 'array', items: { type: 'integer' } })).toBe('List[int]');
    expect(schemaToPythonType({ anyOf: [] })).toBe('Any');
  });

  it('export → import is the identity', () => {
    fc.assert(
      fc.property(fc.array(xlamSampleArb, { maxLength: 4 }), (samples) => {
        const imported = importXlam(exportXlam(samples));
        expect(imported.problems).toEqual([]);
        expect(imported.samples).toEqual(samples);
      }),
    );
  });

  it('never throws on arbitrary or damaged input', () => {
    fc.assert(fc.property(fc.string(), (text) => void importXlam(text)));
    fc.assert(fc.property(fc.string(), (type) => void importXlam(JSON.stringify({ query: 'q', answers: '[]', tools: JSON.stringify([{ name: 'f', parameters: { a: { type } } }]) }))));
    fc.assert(fc.property(fc.uint8Array(), (bytes) => void importXlam(new TextDecoder().decode(bytes))));
    fc.assert(fc.property(damagedTextArb(fc.array(xlamSampleArb, { maxLength: 3 }).map(exportXlam)), (text) => void importXlam(text)));
  });
});
