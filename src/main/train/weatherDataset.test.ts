import { describe, expect, it } from 'vitest';
import { inventCities, weatherSamples } from './weatherDataset.js';

describe('weatherDataset', () => {
  it('is deterministic and splits cities without overlap', () => {
    const cities = inventCities(300, 7);
    expect(inventCities(300, 7)).toEqual(cities);
    expect(new Set(cities).size).toBe(300);
    const samples = weatherSamples(cities.slice(0, 3), 1);
    expect(weatherSamples(cities.slice(0, 3), 1)).toEqual(samples);
    for (const s of samples) {
      expect(s.expectedCall).toContain(`"city": "${s.city}"`);
      expect(s.expectedCall.startsWith('<tool_call>\n{"name": "get_weather", "arguments": {')).toBe(true);
    }
  });
});
