import { describe, expect, it } from 'vitest';
import { SCHEMA_2020_12 } from '../../shared/tools/schemaDialect';
import type { ToolDefinition } from '../../shared/tools/types';
import { validateToolDefinitions } from './schemaValidator';

const tool = (parameters: Record<string, unknown>, name = 'tool_a'): ToolDefinition => ({ name, description: 'Does a thing', parameters });

describe('validateToolDefinitions', () => {
  it('accepts valid draft-07 and 2020-12 schemas, OpenAPI formats included', () => {
    const draft07 = tool({ type: 'object', properties: { n: { type: 'integer', format: 'int32' }, tuple: { type: 'array', items: [{ type: 'string' }] } } });
    const v2020 = tool({ $schema: SCHEMA_2020_12, type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }] } } }, 'tool_b');
    expect(validateToolDefinitions([draft07, v2020])).toEqual([]);
  });

  it('maps meta-schema errors to pointers into the parameters', () => {
    const problems = validateToolDefinitions([tool({ type: 'object', properties: { when: { type: 'date' } } })]);
    expect(problems[0]).toMatchObject({ severity: 'error', toolIndex: 0, toolName: 'tool_a', pointer: '/properties/when/type' });
  });

  it('uses the dialect named by $schema and refuses unknown ones', () => {
    // Array-form `items` is draft-07 only.
    const problems = validateToolDefinitions([tool({ $schema: SCHEMA_2020_12, type: 'object', properties: { t: { type: 'array', items: [{}] } } })]);
    expect(problems[0]).toMatchObject({ severity: 'error', pointer: '/properties/t/items' });
    expect(validateToolDefinitions([tool({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' })])[0]).toMatchObject({ pointer: '/$schema' });
  });

  it('refuses remote $ref and $data before ajv sees them, and reports unresolvable local refs', () => {
    const remote = validateToolDefinitions([tool({ type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } })]);
    expect(remote).toEqual([expect.objectContaining({ severity: 'error', pointer: '/properties/a/$ref' })]);
    const data = validateToolDefinitions([tool({ type: 'object', properties: { a: { type: 'integer', maximum: { $data: '1/b' } } } })]);
    expect(data).toEqual([expect.objectContaining({ severity: 'error', pointer: '/properties/a/maximum/$data' })]);
    const missing = validateToolDefinitions([tool({ type: 'object', properties: { a: { $ref: '#/$defs/nope' } } })]);
    expect(missing).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('does not compile') })]);
  });

  it('refuses deep and huge schemas without compiling them', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 5000; i++) deep = { type: 'object', properties: { x: deep } };
    expect(validateToolDefinitions([tool(deep)])[0]?.message).toContain('nested deeper');
    const huge = tool({ type: 'object', properties: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`p${i}`, { type: 'string' }])) });
    expect(validateToolDefinitions([huge])[0]?.message).toContain('more than');
  });

  it('warns about unknown formats and patterns RE2 cannot run, and checks names against existing ones', () => {
    const problems = validateToolDefinitions(
      [
        tool({ type: 'object', properties: { a: { type: 'string', format: 'shoe-size' } } }, 'taken'),
        tool({ type: 'object', properties: { b: { type: 'string', pattern: '^(a+)+$' }, c: { type: 'string', pattern: '^(?=x)\\w+$' } } }, 'free'),
      ],
      ['taken'],
    );
    // `^(a+)+$` runs in linear time on RE2: nothing to say. The lookahead is said, with what happens then.
    expect(problems.map((p) => [p.severity, p.toolName, p.pointer])).toEqual([
      ['error', 'taken', ''],
      ['warning', 'free', '/properties/c/pattern'],
    ]);
    expect(problems[1]?.message).toMatch(/linear-time engine cannot run .*arguments are not checked against it/);
    const warnings = validateToolDefinitions([tool({ type: 'object', properties: { a: { type: 'string', format: 'shoe-size' } } })]);
    expect(warnings).toEqual([expect.objectContaining({ severity: 'warning', pointer: '/properties/a', message: expect.stringContaining('shoe-size') })]);
  });

  it('keeps a user $id from leaking between tools', () => {
    const withId = (name: string): ToolDefinition => tool({ $id: 'https://example.com/same', type: 'object' }, name);
    expect(validateToolDefinitions([withId('one'), withId('two')])).toEqual([]);
  });
});
