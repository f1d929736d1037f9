import { isJsonObject, type JsonObject } from '../../tools/plainJson';
import { parsePointer } from '../../tools/jsonPointer';
import type { Rng } from './random';

/**
 * Plausible argument values from a JSON Schema, without a model: `const`, `enum`, `examples` and
 * `default` first, then `format` (date, date-time, time, email, uri, uuid, ipv4, hostname), numeric
 * bounds, string lengths, nested objects and arrays, local `$ref`s, `anyOf`/`oneOf`/`allOf`.
 * `pattern` is honoured only through `examples` (no regex inversion); values that miss it are
 * caught by verification. Strings are picked by the property's name (`city`, `email`, …) so that
 * queries read naturally.
 */

const MAX_DEPTH = 8;

const VOCABULARY: [RegExp, readonly string[]][] = [
  [/city|town|location|place/i, ['Paris', 'Tokyo', 'Nairobi', 'Lima', 'Oslo', 'Toronto', 'Sydney', 'Berlin', 'Mumbai', 'Cairo', 'Seoul', 'Madrid']],
  [/country/i, ['France', 'Japan', 'Kenya', 'Peru', 'Norway', 'Canada', 'Brazil', 'India']],
  [/lang/i, ['English', 'French', 'Spanish', 'German', 'Japanese', 'Chinese']],
  [/email/i, ['ana@example.com', 'li.wei@example.org', 'sam@example.net']],
  [/name|person|user|author/i, ['Ana Silva', 'Li Wei', 'Sam Okafor', 'Maria Rossi', 'Kenji Sato', 'Fatima Zahra']],
  [/title|subject|topic/i, ['Quarterly report', 'The lighthouse keeper', 'Trip plan', 'Team offsite', 'Garden notes']],
  [/query|search|keyword|term|q$/i, ['electric cars', 'best pizza nearby', 'python tutorials', 'cheap flights to Rome']],
  [/path|file/i, ['notes/todo.txt', 'reports/summary.md', 'data/input.csv']],
  [/url|link|site|endpoint/i, ['https://example.com', 'https://example.org/docs', 'https://example.net/api']],
  [/color|colour/i, ['red', 'blue', 'green', 'black']],
  [/message|text|content|body|description|note|comment/i, ['See you at noon.', 'Thanks for the update!', 'Please review the attached draft.']],
  [/symbol|ticker/i, ['AAPL', 'MSFT', 'TSLA', 'NVDA']],
  [/currency/i, ['USD', 'EUR', 'JPY', 'GBP']],
  [/id$|_id|identifier|code/i, ['A1029', 'X-7731', 'ORD-2291', 'K88']],
];
const GENERIC_WORDS = ['alpha', 'river', 'summer', 'market', 'orange', 'silent', 'north', 'paper', 'garden', 'window'];

export function sampleValue(schema: unknown, rng: Rng, name = ''): unknown {
  return new SchemaSampler(schema, rng).value(schema, name, 0);
}

export class SchemaSampler {
  constructor(
    private readonly root: unknown,
    private readonly rng: Rng,
  ) {}

  value(schema: unknown, name: string, depth: number): unknown {
    if (!isJsonObject(schema) || depth > MAX_DEPTH) return this.text(name, {});
    const resolved = this.resolve(schema, depth);
    if (Object.hasOwn(resolved, 'const')) return resolved['const'];
    const enumValues = resolved['enum'];
    if (Array.isArray(enumValues) && enumValues.length > 0) return this.rng.pick(enumValues);
    const examples = resolved['examples'];
    if (Array.isArray(examples) && examples.length > 0 && (this.rng.chance(0.7) || typeof resolved['pattern'] === 'string')) return this.rng.pick(examples);
    if (Object.hasOwn(resolved, 'default') && this.rng.chance(0.3)) return resolved['default'];
    switch (this.typeOf(resolved)) {
      case 'integer':
        return this.integer(resolved);
      case 'number':
        return this.number(resolved);
      case 'boolean':
        return this.rng.chance(0.5);
      case 'null':
        return null;
      case 'array':
        return this.array(resolved, name, depth);
      case 'object':
        return this.object(resolved, depth);
      default:
        return this.string(resolved, name);
    }
  }

  /** Follows local `$ref`s and picks one branch of `anyOf`/`oneOf`; `allOf` parts are merged. */
  private resolve(schema: JsonObject, depth: number): JsonObject {
    let current = schema;
    for (let hops = 0; hops < MAX_DEPTH; hops++) {
      const ref = current['$ref'];
      const branches = current['anyOf'] ?? current['oneOf'];
      const parts = current['allOf'];
      if (typeof ref === 'string') {
        const { $ref: _ref, ...rest } = current;
        current = { ...this.lookup(ref), ...rest };
      } else if (Array.isArray(branches) && branches.length > 0) {
        const { anyOf: _a, oneOf: _o, ...rest } = current;
        const usable = branches.filter((branch: unknown) => isJsonObject(branch) && branch['type'] !== 'null');
        current = { ...rest, ...(this.rng.pick(usable.length > 0 ? usable : branches) as JsonObject) };
      } else if (Array.isArray(parts)) {
        const { allOf: _all, ...rest } = current;
        current = Object.assign({}, ...parts.filter(isJsonObject), rest) as JsonObject;
      } else return current;
    }
    return depth > MAX_DEPTH ? {} : current;
  }

  private lookup(ref: string): JsonObject {
    const tokens = ref.startsWith('#') ? parsePointer(ref.slice(1)) : null;
    let node: unknown = this.root;
    for (const token of tokens ?? []) node = isJsonObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
    return tokens && isJsonObject(node) ? node : {};
  }

  private typeOf(schema: JsonObject): string {
    const type = schema['type'];
    if (typeof type === 'string') return type;
    if (Array.isArray(type)) {
      const usable = type.filter((t: unknown): t is string => typeof t === 'string' && t !== 'null');
      return usable.length > 0 ? this.rng.pick(usable) : 'null';
    }
    if (isJsonObject(schema['properties'])) return 'object';
    if (schema['items'] !== undefined) return 'array';
    return 'string';
  }

  private bounds(schema: JsonObject, fallbackMin: number, fallbackMax: number, step: number): [number, number] {
    const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
    const exclusiveMin = num('exclusiveMinimum') ?? (schema['exclusiveMinimum'] === true ? num('minimum') : undefined);
    const exclusiveMax = num('exclusiveMaximum') ?? (schema['exclusiveMaximum'] === true ? num('maximum') : undefined);
    const min = exclusiveMin !== undefined ? exclusiveMin + step : (num('minimum') ?? fallbackMin);
    const max = exclusiveMax !== undefined ? exclusiveMax - step : (num('maximum') ?? Math.max(min + fallbackMax - fallbackMin, fallbackMax));
    // Sample within a human scale even when the schema allows up to 1e9.
    return [min, Math.min(max, Math.max(min, 0) + (fallbackMax - fallbackMin) * 10)];
  }

  private integer(schema: JsonObject): number {
    const [min, max] = this.bounds(schema, 1, 100, 1);
    const multiple = typeof schema['multipleOf'] === 'number' && schema['multipleOf'] > 0 ? schema['multipleOf'] : 1;
    const low = Math.ceil(min / multiple);
    const high = Math.floor(max / multiple);
    return (high >= low ? this.rng.int(low, high) : low) * multiple;
  }

  private number(schema: JsonObject): number {
    if (typeof schema['multipleOf'] === 'number') return this.integer(schema);
    const [min, max] = this.bounds(schema, 1, 1000, 0.01);
    const value = Math.round((min + this.rng.next() * (max - min)) * 100) / 100;
    return Math.min(Math.max(value, min), max);
  }

  private array(schema: JsonObject, name: string, depth: number): unknown[] {
    const minItems = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
    const maxItems = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : Math.max(minItems, 3);
    const count = this.rng.int(minItems, Math.min(maxItems, minItems + 4));
    const prefix = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] : Array.isArray(schema['items']) ? schema['items'] : [];
    const itemSchema = isJsonObject(schema['items']) ? schema['items'] : {};
    const singular = name.replace(/s$/, '');
    const items: unknown[] = [];
    for (let i = 0; i < count + 8 && items.length < count; i++) {
      const item = this.value(prefix[items.length] ?? itemSchema, singular, depth + 1);
      if (schema['uniqueItems'] === true && items.some((known) => JSON.stringify(known) === JSON.stringify(item))) continue;
      items.push(item);
    }
    return items;
  }

  private object(schema: JsonObject, depth: number): Record<string, unknown> {
    const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
    const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
    const entries: [string, unknown][] = [];
    for (const [key, child] of Object.entries(properties)) {
      if (required.has(key) || this.rng.chance(0.5)) entries.push([key, this.value(child, key, depth + 1)]);
    }
    return Object.fromEntries(entries);
  }

  private string(schema: JsonObject, name: string): string {
    return this.formatted(schema['format']) ?? this.text(name, schema);
  }

  private formatted(format: unknown): string | undefined {
    const rng = this.rng;
    const pad = (n: number): string => String(n).padStart(2, '0');
    const date = (): string => `${rng.int(2023, 2027)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
    const time = (): string => `${pad(rng.int(0, 23))}:${pad(rng.pick([0, 15, 30, 45]))}:00`;
    switch (format) {
      case 'date':
        return date();
      case 'date-time':
        return `${date()}T${time()}Z`;
      case 'time':
        return time();
      case 'email':
        return rng.pick(['ana', 'li.wei', 'sam', 'maria']) + '@' + rng.pick(['example.com', 'example.org']);
      case 'uri':
      case 'url':
        return `https://example.com/${rng.pick(GENERIC_WORDS)}`;
      case 'hostname':
        return `${rng.pick(GENERIC_WORDS)}.example.com`;
      case 'ipv4':
        return `192.168.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      case 'uuid': {
        const hex = (n: number): string => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
        return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
      }
      default:
        return undefined;
    }
  }

  private text(name: string, schema: JsonObject): string {
    const vocabulary = VOCABULARY.find(([pattern]) => pattern.test(name))?.[1];
    let text = vocabulary ? this.rng.pick(vocabulary) : this.rng.sample(GENERIC_WORDS, this.rng.int(1, 2)).join(' ');
    const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
    const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
    while (text.length < minLength) text += ` ${this.rng.pick(GENERIC_WORDS)}`;
    return text.length > maxLength ? text.slice(0, Math.max(maxLength, minLength)).trimEnd() || 'x'.repeat(minLength) : text;
  }
}
