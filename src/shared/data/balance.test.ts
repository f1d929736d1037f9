import { describe, expect, it } from 'vitest';
import { balanceReport } from './balance';
import type { Sample } from './conversation';

const weatherTool = {
  name: 'get_weather',
  description: '',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } } },
};
const call = (city: string, unit: string): Sample => ({
  messages: [
    { role: 'user', content: city },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city, unit, note: 'x'.repeat(200) } }] },
  ],
  tools: [weatherTool],
  kind: 'simple',
});
const noCall: Sample = { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello', toolCalls: [] }], tools: [], kind: 'no_call' };

describe('balance report', () => {
  it('counts kinds, tools and values, and warns when one value dominates', () => {
    const samples = [
      ...Array.from({ length: 20 }, (_, i) => call(i < 12 ? 'Paris' : `City ${i}`, i % 3 === 0 ? 'fahrenheit' : 'celsius')),
      ...Array.from({ length: 4 }, () => noCall),
    ];
    const report = balanceReport(samples, { projectTools: ['get_weather', 'save_story'] });
    expect(report.samples).toBe(24);
    expect(report.perKind).toEqual({ simple: 20, no_call: 4 });
    expect(report.perTool).toEqual({ get_weather: 20 });
    expect(report.perArgument.find((a) => a.argument === 'city')?.top[0]).toEqual({ value: 'paris', count: 12 });
    expect(report.perArgument.some((a) => a.argument === 'note')).toBe(false);
    expect(report.warnings.map((w) => [w.kind, w.argument ?? w.tool])).toEqual([
      ['dominant_value', 'city'],
      ['tool_never_called', 'save_story'],
    ]);
  });

  it('judges a two-value enum against an even split and flags a skewed no-call share', () => {
    const skewed = Array.from({ length: 40 }, (_, i) => call(`City ${i}`, i < 36 ? 'celsius' : 'fahrenheit'));
    const report = balanceReport(skewed);
    expect(report.warnings.map((w) => [w.kind, w.argument])).toEqual([
      ['dominant_value', 'unit'],
      ['no_call_share', undefined],
    ]);
    const even = Array.from({ length: 40 }, (_, i) => call(`City ${i}`, i < 28 ? 'celsius' : 'fahrenheit'));
    expect(balanceReport(even).warnings.map((w) => w.kind)).toEqual(['no_call_share']);
  });
});
