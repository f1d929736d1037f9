import { describe, expect, it } from 'vitest';
import { stratifiedSplit, type SplitItem } from './stratifiedSplit';

function items(counts: Record<string, number>): SplitItem[] {
  let id = 1;
  return Object.entries(counts).flatMap(([stratum, count]) => Array.from({ length: count }, () => ({ id: id++, stratum })));
}

function evalIn(result: Map<number, string>, list: SplitItem[], stratum: string): number {
  return list.filter((item) => item.stratum === stratum && result.get(item.id) === 'eval').length;
}

describe('stratifiedSplit', () => {
  it('gives every stratum its share and the total its rounded fraction', () => {
    const list = items({ 'simple/get_weather': 100, 'parallel/get_weather': 30, 'no_call/': 7 });
    const result = stratifiedSplit(list, 0.1, 42);
    expect(result.size).toBe(list.length);
    expect(evalIn(result, list, 'simple/get_weather')).toBe(10);
    expect(evalIn(result, list, 'parallel/get_weather')).toBe(3);
    expect([...result.values()].filter((split) => split === 'eval')).toHaveLength(Math.round(137 * 0.1));
  });

  it('is deterministic for a seed whatever the input order, and differs between seeds', () => {
    const list = items({ a: 50, b: 50 });
    const once = stratifiedSplit(list, 0.2, 7);
    expect(stratifiedSplit([...list].reverse(), 0.2, 7)).toEqual(once);
    expect(stratifiedSplit(list, 0.2, 8)).not.toEqual(once);
  });

  it('counts locked items towards the quota and never reassigns them', () => {
    const list = items({ a: 10 });
    list[0]!.locked = 'eval';
    list[1]!.locked = 'eval';
    list[2]!.locked = 'train';
    const result = stratifiedSplit(list, 0.3, 1);
    expect(result.has(1) || result.has(2) || result.has(3)).toBe(false);
    expect([...result.values()].filter((split) => split === 'eval')).toHaveLength(1);
  });

  it('puts everything in train for a zero fraction', () => {
    expect(new Set(stratifiedSplit(items({ a: 5 }), 0, 1).values())).toEqual(new Set(['train']));
  });
});
