/**
 * The Demo project's weather and exchange rates: a small fixed table, so the demo's tools answer offline. Not real
 * data; the results say so.
 */
const WEATHER: Record<string, { celsius: number; condition: string }> = {
  amsterdam: { celsius: 9, condition: 'light rain' },
  berlin: { celsius: 7, condition: 'cloudy' },
  cairo: { celsius: 24, condition: 'sunny' },
  lagos: { celsius: 30, condition: 'humid' },
  lima: { celsius: 19, condition: 'overcast' },
  london: { celsius: 8, condition: 'drizzle' },
  madrid: { celsius: 14, condition: 'clear' },
  mumbai: { celsius: 31, condition: 'hazy' },
  nairobi: { celsius: 21, condition: 'partly cloudy' },
  'new york': { celsius: 5, condition: 'windy' },
  oslo: { celsius: -3, condition: 'snow' },
  paris: { celsius: 11, condition: 'cloudy' },
  'san francisco': { celsius: 15, condition: 'fog' },
  'são paulo': { celsius: 26, condition: 'thunderstorms' },
  seoul: { celsius: 2, condition: 'clear' },
  sydney: { celsius: 23, condition: 'sunny' },
  tokyo: { celsius: 10, condition: 'clear' },
  toronto: { celsius: -1, condition: 'snow showers' },
  北京: { celsius: 1, condition: '晴' },
  上海: { celsius: 9, condition: '多云' },
};

/** Units per US dollar. */
const PER_USD: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 151.3, CNY: 7.24, INR: 83.1, CHF: 0.88, CAD: 1.36, AUD: 1.52 };

export type DemoAnswer = { ok: true; result: Record<string, unknown> } | { ok: false; error: string };

export function demoWeather(args: Record<string, unknown>): DemoAnswer {
  const city = typeof args['city'] === 'string' ? args['city'].trim() : '';
  const entry = WEATHER[city.toLowerCase()];
  if (!entry) return { ok: false, error: `no weather for "${city}" in the demo table (it knows ${Object.keys(WEATHER).length} cities, e.g. Oslo, Paris, Tokyo)` };
  const fahrenheit = args['unit'] === 'fahrenheit';
  const temperature = fahrenheit ? Math.round((entry.celsius * 9) / 5 + 32) : entry.celsius;
  return { ok: true, result: { city, temperature, unit: fahrenheit ? 'fahrenheit' : 'celsius', condition: entry.condition, source: 'demo table' } };
}

export function demoCurrency(args: Record<string, unknown>): DemoAnswer {
  const { amount, from, to } = args;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return { ok: false, error: 'amount must be a number' };
  if (typeof from !== 'string' || !(from in PER_USD)) return { ok: false, error: `unknown currency "${String(from)}"` };
  if (typeof to !== 'string' || !(to in PER_USD)) return { ok: false, error: `unknown currency "${String(to)}"` };
  const rate = PER_USD[to]! / PER_USD[from]!;
  return { ok: true, result: { amount, from, to, rate: round(rate, 6), converted: round(amount * rate, 2), source: 'demo table' } };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
