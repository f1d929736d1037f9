import { describe, expect, it } from 'vitest';
import { MAX_SCHEMA_DEPTH, MAX_SCHEMA_NODES } from './limits';
import { checkSchemaSafety, schemaPatterns } from './schemaSafety';

function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i++) schema = { type: 'object', properties: { x: schema } };
  return schema;
}

describe('checkSchemaSafety', () => {
  it('accepts an ordinary schema, local refs and properties named like keywords', () => {
    const schema = { type: 'object', $defs: { id: { type: 'string' } }, properties: { id: { $ref: '#/$defs/id' }, $data: { type: 'string' } } };
    expect(checkSchemaSafety(schema)).toEqual([]);
  });

  it('caps depth and node count', () => {
    expect(checkSchemaSafety(nested(MAX_SCHEMA_DEPTH / 2 - 1))).toEqual([]);
    expect(checkSchemaSafety(nested(MAX_SCHEMA_DEPTH))[0]?.message).toContain(`deeper than ${MAX_SCHEMA_DEPTH}`);
    const huge = { type: 'object', enum: Array.from({ length: MAX_SCHEMA_NODES }, (_, i) => i) };
    expect(checkSchemaSafety(huge, '/p')).toEqual([{ severity: 'error', pointer: '/p', message: `schema has more than ${MAX_SCHEMA_NODES} values` }]);
  });

  it('survives cyclic objects', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic['properties'] = { self: cyclic };
    expect(checkSchemaSafety(cyclic)[0]?.severity).toBe('error');
  });

  it('refuses remote references and $data, with pointers', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { $ref: 'https://example.com/a.json' },
        b: { $dynamicRef: 'other.json#meta' },
        c: { type: 'integer', maximum: { $data: '1/max' } },
        d: { $data: '/x' },
        e: { default: { $ref: 'https://not-a-ref-just-data' } },
      },
    };
    expect(checkSchemaSafety(schema).map((p) => p.pointer)).toEqual([
      '/properties/a/$ref',
      '/properties/b/$dynamicRef',
      '/properties/c/maximum/$data',
      '/properties/d/$data',
    ]);
  });

  it('lists every pattern with its pointer', () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } }, patternProperties: { '^(\\w*x)*$': {} } };
    expect(schemaPatterns(schema)).toEqual([
      { pointer: '/patternProperties/^(\\w*x)*$', pattern: '^(\\w*x)*$' },
      { pointer: '/properties/s/pattern', pattern: '^(a+)+$' },
    ]);
  });
});
