import { describe, expect, it } from 'vitest';
import { Rng } from './random';
import { sampleValue } from './sampleValue';
import { starterPhrasing } from './phrasing';

const many = (schema: unknown, name = '', n = 200): unknown[] => {
  const rng = new Rng(9);
  return Array.from({ length: n }, () => sampleValue(schema, rng, name));
};

describe('sampling values from JSON Schema', () => {
  it('respects enum, const, bounds, lengths and formats', () => {
    expect(new Set(many({ type: 'string', enum: ['a', 'b'] }))).toEqual(new Set(['a', 'b']));
    expect(many({ const: 3 }, '', 5)).toEqual([3, 3, 3, 3, 3]);
    for (const n of many({ type: 'integer', minimum: 5, maximum: 9, multipleOf: 2 }) as number[]) expect([6, 8]).toContain(n);
    for (const n of many({ type: 'number', exclusiveMinimum: 0, maximum: 1e9 }) as number[]) expect(n).toBeGreaterThan(0);
    for (const s of many({ type: 'string', minLength: 30, maxLength: 40 }) as string[]) expect(s.length).toBeGreaterThanOrEqual(30);
    for (const s of many({ type: 'string', format: 'date' }) as string[]) expect(s).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const s of many({ type: 'string', format: 'email' }) as string[]) expect(s).toMatch(/^[\w.]+@example\.(com|org)$/);
    for (const s of many({ type: 'string', format: 'date-time' }, '', 20) as string[]) expect(Number.isNaN(Date.parse(s))).toBe(false);
  });

  it('uses examples (always when a pattern is set), defaults, names, nesting and refs', () => {
    expect(new Set(many({ type: 'string', pattern: '^[A-Z]{3}$', examples: ['ABC', 'XYZ'] }))).toEqual(new Set(['ABC', 'XYZ']));
    expect(many({ type: 'string', default: 'zz' })).toContain('zz');
    expect(many({ type: 'string' }, 'city')).toContain('Paris');
    const nested = many({
      type: 'object',
      properties: { tags: { type: 'array', items: { $ref: '#/$defs/tag' }, minItems: 2, maxItems: 2, uniqueItems: true }, when: { type: ['string', 'null'], format: 'time' } },
      required: ['tags'],
      $defs: { tag: { type: 'string', enum: ['x', 'y', 'z'] } },
    }) as { tags: string[] }[];
    for (const value of nested) {
      expect(value.tags).toHaveLength(2);
      expect(new Set(value.tags).size).toBe(2);
    }
    expect(many({ anyOf: [{ type: 'null' }, { type: 'boolean' }] }).every((v) => typeof v === 'boolean')).toBe(true);
  });

  it('proposes starter templates from a tool name and description', () => {
    const starter = starterPhrasing({ name: 'getStockPrice', description: 'Get the price of a stock.', parameters: { type: 'object', properties: { symbol: { type: 'string' }, exchange: { type: 'string' } }, required: ['symbol'] } });
    expect(starter.queries).toContain('Please get stock price with symbol {symbol}.');
    expect(starter.queries).toContain('Could you get stock price with symbol {symbol}, exchange {exchange}?');
    expect(starter.queries.some((q) => !q.includes('{symbol}'))).toBe(true);
  });
});
