import { describe, expect, it } from 'vitest';
import { singleTokenWords, weatherSamples } from './weatherDataset.js';

const vocabulary = ['Berlin', 'Paris', 'Tokyo', 'Lima', 'Oslo', 'Rome', 'Quito', 'Delhi', 'lower', 'Ab', 'ÄÖÜ', '<tool_call>'];

describe('weatherDataset', () => {
  it('picks capitalized single-token words deterministically', () => {
    const words = singleTokenWords(vocabulary, 5, 3);
    expect(singleTokenWords(vocabulary, 5, 3)).toEqual(words);
    expect(new Set(words).size).toBe(5);
    for (const w of words) expect(w).toMatch(/^[A-Z][a-z]{3,9}$/);
    expect(() => singleTokenWords(vocabulary, 50, 3)).toThrow(/only 8 single-token words/);
  });

  it('is deterministic, ends the user turn with the quoted city and renders the expected call', () => {
    const cities = singleTokenWords(vocabulary, 8, 1);
    const samples = weatherSamples(cities, 1);
    expect(weatherSamples(cities, 1)).toEqual(samples);
    for (const s of samples) {
      const user = s.prompt.messages.at(-1);
      expect(user?.role === 'user' && user.content.endsWith(`"${s.city}"`)).toBe(true);
      const args = s.unit === undefined ? `{"city": "${s.city}"}` : `{"city": "${s.city}", "unit": "${s.unit}"}`;
      expect(s.expectedCall).toBe(`<tool_call>\n{"name": "get_weather", "arguments": ${args}}\n</tool_call>`);
    }
  });

  it('asks for a unit in the given share of samples', () => {
    const cities = Array.from({ length: 400 }, (_, i) => `City${i}`);
    expect(weatherSamples(cities, 2, { unitShare: 0 }).every((s) => s.unit === undefined)).toBe(true);
    expect(weatherSamples(cities, 2, { unitShare: 1 }).every((s) => s.unit !== undefined)).toBe(true);
    const withUnit = weatherSamples(cities, 2).filter((s) => s.unit !== undefined).length;
    expect(withUnit).toBeGreaterThan(160);
    expect(withUnit).toBeLessThan(240);
  });
});
