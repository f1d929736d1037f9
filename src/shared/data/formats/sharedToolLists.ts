import { isJsonObject } from '../../tools/plainJson';
import { MAX_RECORD_CHARS } from '../limits';
import { parseRecord, type ParsedRecord, type RawRecord } from './records';

/**
 * Dataset lines repeat the same tool list on every line, usually as the record's last key (OpenAI `tools`, ShareGPT
 * `tools`): three quarters of a 100,000-line file is the same few lists. This parser reads such a list's text once,
 * hands out that one parsed value for every line that ends with the same text (`ToolCatalog` then validates it once,
 * by identity), and parses only the rest of each line. The result equals `JSON.parse` of the line, with the list shared:
 * readers must not change what they are given.
 */
export class SharedToolListParser {
  /** Lists by a hash of a few of their characters (hashing a whole 2 KB list per line cost more than parsing it). */
  private readonly lists = new Map<number, { text: string; value: unknown }[]>();
  private hits = 0;
  private misses = 0;
  private keptChars = 0;

  parse(record: RawRecord): ParsedRecord {
    // An over-long record is refused by parseRecord as a whole, never read in parts.
    const tail = this.worthTrying() && record.text.length <= MAX_RECORD_CHARS ? trailingListOf(record.text) : null;
    if (tail) {
      const shared = this.sharedValue(record.text, tail.start);
      if (shared !== undefined) {
        const head = parseRecord({ line: record.line, text: `${record.text.slice(0, tail.start)}null}` });
        if (head.ok && isJsonObject(head.value)) {
          head.value[tail.key] = shared;
          return head;
        }
      }
    }
    return parseRecord(record);
  }

  /** Lines whose tails never repeat (or are not the last key) stop paying for the look-up. */
  private worthTrying(): boolean {
    return this.misses < GIVE_UP_AFTER_MISSES || this.hits > this.misses;
  }

  /**
   * The parsed value of the text from `start` to the record's closing brace: the one seen before, or a new one when
   * the text is valid JSON; `undefined` when it is not a JSON value.
   */
  private sharedValue(record: string, start: number): unknown {
    const end = record.length - 1;
    const key = sampledHash(record, start, end);
    const known = this.lists.get(key)?.find((list) => list.text.length === end - start && record.startsWith(list.text, start));
    if (known) {
      this.hits++;
      return known.value;
    }
    this.misses++;
    const text = record.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined; // not the last key after all: more follows the list
    }
    if (this.keptChars + text.length <= MAX_SHARED_CHARS) {
      const bucket = this.lists.get(key);
      if (bucket) bucket.push({ text, value });
      else this.lists.set(key, [{ text, value }]);
      this.keptChars += text.length;
    }
    return value;
  }
}

/** Characters hashed: the length and this many places spread over the text (equal texts are then compared whole). */
const HASHED_CHARS = 64;

function sampledHash(text: string, start: number, end: number): number {
  const length = end - start;
  const step = Math.max(1, Math.floor(length / HASHED_CHARS));
  let hash = length;
  for (let i = start; i < end; i += step) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const SHARED_KEYS = ['tools', 'functions'] as const;
/** Shorter lists are cheaper to parse than to look up. */
const MIN_LIST_CHARS = 200;
/**
 * Text of the distinct lists remembered per import (synthesized data offers thousands of orderings of a few tools);
 * lists beyond it are parsed line by line as usual.
 */
const MAX_SHARED_CHARS = 16_000_000;
const GIVE_UP_AFTER_MISSES = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/**
 * Where the value of a top-level `"tools"` (or `"functions"`) key starts, when the key is in the record's outermost
 * object. Whether the text from there to the record's closing brace is the whole value (the key is the last
 * one) is for JSON.parse to say. A literal `"tools"` inside a JSON string would have escaped quotes, so the first
 * unescaped occurrence is a key; the scan of what comes before it proves it is a top-level one.
 */
function trailingListOf(text: string): { key: string; start: number } | null {
  if (text.charCodeAt(text.length - 1) !== CLOSE_BRACE) return null;
  for (const key of SHARED_KEYS) {
    const at = text.indexOf(`"${key}"`);
    if (at < 0) continue;
    let start = at + key.length + 2;
    while (isSpace(text.charCodeAt(start))) start++;
    if (text.charCodeAt(start) !== 58 /* : */) return null;
    start++;
    while (isSpace(text.charCodeAt(start))) start++;
    if (text.length - 1 - start < MIN_LIST_CHARS || depthAt(text, at) !== 1) return null;
    return { key, start };
  }
  return null;
}

/** Nesting depth of `{`/`[` at `end` (outside strings), or -1 when `end` lies inside a string. */
function depthAt(text: string, end: number): number {
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i < 0 || i >= end) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
  }
  return depth;
}

/** The quote that closes the string opened at `open` (-1: none); most of a record is string content, skipped by indexOf. */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
