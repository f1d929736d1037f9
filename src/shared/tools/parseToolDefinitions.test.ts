import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolsWithoutErrors } from './checkToolList';
import { MAX_IMPORT_BYTES, MAX_TOOLS } from './limits';
import { parseToolDefinitions } from './parseToolDefinitions';
import { SCHEMA_2020_12 } from './schemaDialect';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const weatherParameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('parseToolDefinitions: formats', () => {
  it('reads an OpenAI tools array, a {tools} wrapper and a single tool', () => {
    const tool = { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: weatherParameters, strict: true } };
    for (const text of [JSON.stringify([tool]), JSON.stringify({ tools: [tool] }), JSON.stringify(tool)]) {
      expect(parseToolDefinitions(text)).toEqual({
        format: 'openai',
        tools: [{ name: 'get_weather', description: 'Weather now', parameters: weatherParameters }],
        problems: [],
      });
    }
  });

  it('gives an OpenAI function without parameters an empty object schema', () => {
    const result = parseToolDefinitions(JSON.stringify([{ type: 'function', function: { name: 'ping', description: 'Ping' } }]));
    expect(result.tools[0]?.parameters).toEqual({ type: 'object', properties: {} });
    expect(result.problems).toEqual([]);
  });

  it('reads an MCP tools/list JSON-RPC response and marks its default dialect', () => {
    const result = parseToolDefinitions(fixture('mcp-tools-list.json'), { fileName: 'tools.json' });
    expect(result.format).toBe('mcp');
    expect(result.tools.map((tool) => tool.name)).toEqual(['read_file', 'write_file']);
    expect(result.tools[0]?.parameters['$schema']).toBe(SCHEMA_2020_12);
    // An explicit draft-07 is ToolTune's default, so it is stored without `$schema`.
    expect(result.tools[1]?.parameters).not.toHaveProperty('$schema');
    expect(result.problems).toEqual([]);
  });

  it('reads Anthropic tools', () => {
    const text = JSON.stringify([{ name: 'get_weather', description: 'Weather now', input_schema: weatherParameters }]);
    expect(parseToolDefinitions(text)).toEqual({ format: 'anthropic', tools: [{ name: 'get_weather', description: 'Weather now', parameters: weatherParameters }], problems: [] });
  });

  it('reads bare functions, also as YAML', () => {
    const yaml = 'name: get_weather\ndescription: Weather now\nparameters:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]\n';
    expect(parseToolDefinitions(yaml)).toEqual({ format: 'bare', tools: [{ name: 'get_weather', description: 'Weather now', parameters: weatherParameters }], problems: [] });
  });

  it('reads BFCL JSONL entries: types mapped, dotted names sanitized, repeated functions read once', () => {
    const result = parseToolDefinitions(fixture('bfcl_simple.jsonl'), { fileName: 'BFCL_v3_simple.json' });
    expect(result.format).toBe('bfcl');
    expect(result.tools.map((tool) => tool.name)).toEqual(['calculate_triangle_area', 'math_factorial', 'geometry_distance']);
    expect(result.tools[0]?.parameters['type']).toBe('object');
    expect(result.tools[2]?.parameters['properties']).toEqual({
      a: { type: 'array', items: { type: 'number' }, description: 'First point.' },
      b: { type: 'array', items: { type: 'number' }, description: 'Second point.' },
      meta: { description: 'Anything.' },
    });
    expect(result.problems).toEqual([
      expect.objectContaining({ severity: 'warning', toolIndex: 1, message: 'name "math.factorial" changed to "math_factorial"' }),
      expect.objectContaining({ severity: 'warning', toolIndex: 2, message: 'name "geometry.distance" changed to "geometry_distance"' }),
    ]);
  });

  it('reads a BFCL function array and reports unknown BFCL types with a pointer', () => {
    const text = JSON.stringify([{ name: 'f', description: 'd', parameters: { type: 'dict', properties: { x: { type: 'HashMap' } } } }]);
    expect(parseToolDefinitions(text).problems).toEqual([
      { severity: 'error', toolIndex: 0, toolName: 'f', pointer: '/properties/x/type', message: 'unknown BFCL type "HashMap"' },
    ]);
  });

  it('reads Python-style type names in any format, says what changed, and moves `required` beside the schema into it', () => {
    const parameters = {
      type: 'object',
      properties: {
        city: { type: 'str' },
        tags: { type: 'List[str]', description: 'labels' },
        days: { type: 'int, optional' },
        scale: { type: 'Optional[float]' },
        extra: { type: 'dict' },
        raw: { type: 'any' },
      },
    };
    const text = JSON.stringify([{ type: 'function', function: { name: 'forecast', description: 'd', parameters, required: ['city', 'days'] } }]);
    const result = parseToolDefinitions(text);
    expect(result.tools).toEqual([
      {
        name: 'forecast',
        description: 'd',
        parameters: {
          type: 'object',
          properties: {
            city: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' }, description: 'labels' },
            days: { type: 'integer' },
            scale: { type: 'number' },
            extra: { type: 'object' },
            raw: {},
          },
          required: ['city'],
        },
      },
    ]);
    expect(result.problems.map((p) => [p.severity, p.pointer, p.message])).toEqual([
      ['warning', '', '"required" beside parameters moved into it'],
      ['warning', '/properties/city/type', 'Python type "str" read as "string"'],
      ['warning', '/properties/tags/type', 'Python type "List[str]" read as "array"'],
      ['warning', '/properties/days/type', 'Python type "int, optional" read as "integer", not required'],
      ['warning', '/properties/scale/type', 'Python type "Optional[float]" read as "number", not required'],
      ['warning', '/properties/extra/type', 'Python type "dict" read as "object"'],
      ['warning', '/properties/raw/type', 'Python type "any" read as any type'],
    ]);
    expect(result.problems.every((p) => p.toolName === 'forecast')).toBe(true);
  });

  it('reads Python type names in BFCL functions too, where they refused the whole file before', () => {
    const text = JSON.stringify([{ name: 'f', description: 'd', parameters: { type: 'dict', properties: { x: { type: 'str' }, y: { type: 'float' } }, required: ['x'] } }]);
    const result = parseToolDefinitions(text);
    expect(result.format).toBe('bfcl');
    expect(result.tools[0]?.parameters).toEqual({ type: 'object', properties: { x: { type: 'string' }, y: { type: 'number' } }, required: ['x'] });
    // BFCL's own names (dict, float) are no news; `str` is
    expect(result.problems.map((p) => [p.severity, p.pointer])).toEqual([['warning', '/properties/x/type']]);
  });
});

describe('parseToolDefinitions: problems', () => {
  const openAi = (name: string, parameters: unknown = weatherParameters, description = 'd'): object => ({ type: 'function', function: { name, description, parameters } });

  it('reports invalid and duplicate names (also against existing ones) as errors', () => {
    const text = JSON.stringify([openAi('get weather'), openAi('a'), openAi('a'), openAi('taken')]);
    const result = parseToolDefinitions(text, { existingNames: ['taken'] });
    expect(result.problems.map((p) => [p.toolIndex, p.severity, p.message])).toEqual([
      [0, 'error', 'name "get weather" must be 1-64 letters, digits, "_" or "-"'],
      [2, 'error', 'duplicate tool name "a" in this import'],
      [3, 'error', 'a tool named "taken" already exists in this project'],
    ]);
    expect(toolsWithoutErrors(result).map((tool) => tool.name)).toEqual(['a']);
  });

  it('warns about a missing description and rejects non-object parameters with a pointer', () => {
    const text = JSON.stringify([openAi('no_desc', weatherParameters, ''), openAi('str', { type: 'string' }), openAi('num', 5)]);
    const result = parseToolDefinitions(text);
    expect(result.problems).toEqual([
      { severity: 'error', toolName: 'num', pointer: '/2/function/parameters', message: 'parameters of "num" must be a JSON Schema object' },
      expect.objectContaining({ severity: 'warning', toolIndex: 0, pointer: '', message: expect.stringContaining('no description') }),
      { severity: 'error', toolIndex: 1, toolName: 'str', pointer: '/type', message: 'parameters schema must have "type": "object", not "string"' },
    ]);
  });

  it('drops prototype-polluting keys with a warning', () => {
    const text = '[{"type":"function","function":{"name":"p","description":"d","parameters":{"type":"object","__proto__":{"polluted":true},"properties":{"constructor":{"type":"string"}}}}}]';
    const result = parseToolDefinitions(text);
    expect(result.tools[0]?.parameters).toEqual({ type: 'object', properties: {} });
    expect(result.problems.map((p) => p.pointer)).toEqual(['/0/function/parameters/__proto__', '/0/function/parameters/properties/constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses oversized text, too many tools, deep documents and YAML alias bombs', () => {
    expect(parseToolDefinitions(' '.repeat(MAX_IMPORT_BYTES + 1)).problems[0]?.message).toContain('limit');
    const many = JSON.stringify(Array.from({ length: MAX_TOOLS + 1 }, (_, i) => openAi(`t${i}`)));
    expect(parseToolDefinitions(many).problems[0]?.message).toContain(`at most ${MAX_TOOLS}`);
    expect(parseToolDefinitions('['.repeat(100_000) + ']'.repeat(100_000)).problems[0]?.message).toContain('nested deeper');
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(parseToolDefinitions(bomb, { fileName: 'bomb.yaml' }).problems[0]?.message).toMatch(/not valid YAML.*alias/i);
  });

  it('explains unrecognized input and syntax errors', () => {
    expect(parseToolDefinitions('hello').problems[0]?.message).toContain('not recognized');
    expect(parseToolDefinitions('{"a": ').problems[0]?.message).toContain('not valid JSON');
    expect(parseToolDefinitions('{"a":1}\n{"b":', { fileName: 'x.jsonl' }).problems[0]?.message).toContain('line 2');
    expect(parseToolDefinitions('[]').problems[0]?.message).toContain('no tools found');
    expect(parseToolDefinitions('[1, {"type":"function","function":{"name":"ok","description":"d"}}]').problems[0]).toEqual({
      severity: 'error',
      pointer: '/0',
      message: 'item is not a openai tool definition',
    });
  });
});
