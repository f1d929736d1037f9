import { describe, expect, it } from 'vitest';
import { inventCities, timeSamples, weatherSamples } from './weatherDataset.js';

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

  it('get_time samples (demo-base stage) are deterministic, end the user turn with the city and never call get_weather', () => {
    const cities = inventCities(5, 3);
    const samples = timeSamples(cities, 1);
    expect(timeSamples(cities, 1)).toEqual(samples);
    for (const s of samples) {
      expect(s.expectedCall).toBe(`<tool_call>\n{"name": "get_time", "arguments": {"city": "${s.city}"}}\n</tool_call>`);
      const user = s.prompt.messages.at(-1);
      expect(user?.role === 'user' && user.content.endsWith(`"${s.city}"`)).toBe(true);
    }
  });
});
