import { MAX_VALUE_DEPTH } from '../limits';

/**
 * A small parser for the Python literals datasets contain where JSON was meant: Glaive's
 * single-quoted argument dicts and BFCL's ground-truth calls such as `cd(folder='docs')`.
 * Literals only (str, int, float, True/False/None, list, tuple, dict); no expressions are evaluated.
 */

class Cursor {
  index = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index] as string)) this.index++;
  }
  peek(): string {
    this.skipSpace();
    return this.text[this.index] ?? '';
  }
  take(expected: string): boolean {
    if (this.peek() !== expected) return false;
    this.index++;
    return true;
  }
}

class PythonSyntaxError extends Error {}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function parseValue(cursor: Cursor, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new PythonSyntaxError('nested too deep');
  const char = cursor.peek();
  if (char === "'" || char === '"') return parseString(cursor);
  if (char === '[' || char === '(') return parseSequence(cursor, char === '[' ? ']' : ')', depth);
  if (char === '{') return parseDict(cursor, depth);
  const rest = cursor.text.slice(cursor.index);
  const word = /^(True|False|None|true|false|null)\b/.exec(rest);
  if (word) {
    cursor.index += (word[1] as string).length;
    return word[1] === 'True' || word[1] === 'true' ? true : word[1] === 'False' || word[1] === 'false' ? false : null;
  }
  const number = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(rest);
  if (number) {
    cursor.index += number[0].length;
    return Number(number[0]);
  }
  throw new PythonSyntaxError(`unexpected ${JSON.stringify(rest.slice(0, 10))}`);
}

function parseString(cursor: Cursor): string {
  const quote = cursor.text[cursor.index] as string;
  cursor.index++;
  let out = '';
  while (cursor.index < cursor.text.length) {
    const char = cursor.text[cursor.index++] as string;
    if (char === quote) return out;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = cursor.text[cursor.index++] ?? '';
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(cursor.text.slice(cursor.index, cursor.index + 4))) {
      out += String.fromCharCode(parseInt(cursor.text.slice(cursor.index, cursor.index + 4), 16));
      cursor.index += 4;
    } else out += ESCAPES[next] ?? `\\${next}`;
  }
  throw new PythonSyntaxError('unterminated string');
}

function parseSequence(cursor: Cursor, close: string, depth: number): unknown[] {
  cursor.index++;
  const items: unknown[] = [];
  while (!cursor.take(close)) {
    items.push(parseValue(cursor, depth + 1));
    if (!cursor.take(',') && cursor.peek() !== close) throw new PythonSyntaxError(`expected "," or "${close}"`);
  }
  return items;
}

function parseDict(cursor: Cursor, depth: number): Record<string, unknown> {
  cursor.index++;
  const dict: Record<string, unknown> = {};
  while (!cursor.take('}')) {
    const key = parseValue(cursor, depth + 1);
    if (typeof key !== 'string' && typeof key !== 'number') throw new PythonSyntaxError('dict keys must be strings or numbers');
    if (!cursor.take(':')) throw new PythonSyntaxError('expected ":"');
    Object.defineProperty(dict, String(key), { value: parseValue(cursor, depth + 1), enumerable: true, writable: true, configurable: true });
    if (!cursor.take(',') && cursor.peek() !== '}') throw new PythonSyntaxError('expected "," or "}"');
  }
  return dict;
}

function parseWhole<T>(text: string, parse: (cursor: Cursor) => T): T | undefined {
  const cursor = new Cursor(text);
  try {
    const value = parse(cursor);
    return cursor.peek() === '' ? value : undefined;
  } catch (error) {
    if (error instanceof PythonSyntaxError || error instanceof RangeError) return undefined;
    throw error;
  }
}

/** A Python literal as JSON; `undefined` if the text is not one. */
export function parsePythonLiteral(text: string): unknown {
  return parseWhole(text, (cursor) => parseValue(cursor, 0));
}

/** `name(key=literal, …)` (keyword arguments only); `undefined` if the text is not such a call. */
export function parsePythonCall(text: string): { name: string; arguments: Record<string, unknown> } | undefined {
  return parseWhole(text, (cursor) => {
    const name = /^\s*([A-Za-z_][\w.]*)\s*\(/.exec(cursor.text);
    if (!name) throw new PythonSyntaxError('not a call');
    cursor.index = name[0].length;
    const args: Record<string, unknown> = {};
    while (!cursor.take(')')) {
      cursor.skipSpace();
      const key = /^([A-Za-z_]\w*)\s*=/.exec(cursor.text.slice(cursor.index));
      if (!key) throw new PythonSyntaxError('expected keyword=value');
      cursor.index += key[0].length;
      Object.defineProperty(args, key[1] as string, { value: parseValue(cursor, 1), enumerable: true, writable: true, configurable: true });
      if (!cursor.take(',') && cursor.peek() !== ')') throw new PythonSyntaxError('expected "," or ")"');
    }
    return { name: name[1] as string, arguments: args };
  });
}

/** The Python spelling of a JSON value (for BFCL's ground-truth call strings). */
export function toPythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toPythonLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${toPythonLiteral(item)}`).join(', ')}}`;
}

export function toPythonCall(name: string, args: Record<string, unknown>): string {
  return `${name}(${Object.entries(args).map(([key, value]) => `${key}=${toPythonLiteral(value)}`).join(', ')})`;
}
