import { MAX_RECORD_CHARS } from '../limits';

/** One record of a dataset file: a JSONL line, or one element of a top-level JSON array. */
export interface RawRecord {
  /** 1-based line where the record starts. */
  line: number;
  text: string;
}

/**
 * The records of a dataset file, JSONL or one JSON array (LLaMA-Factory and xLAM ship arrays).
 * Blank lines are skipped. An array is split by a string-aware scanner, so one broken element is
 * reported on its own line and the rest still import.
 */
export function* recordsOf(text: string): Generator<RawRecord> {
  const start = text.search(/\S/);
  if (start >= 0 && text[start] === '[') yield* arrayElements(text, start);
  else yield* jsonLines(text);
}

function* jsonLines(text: string): Generator<RawRecord> {
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    line++;
    const record = text.slice(from, end).trim();
    if (record !== '') yield { line, text: record };
    from = end + 1;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;
const COMMA = 44;
const OPENERS: ReadonlySet<number> = new Set([91, 123]);
const CLOSERS: ReadonlySet<number> = new Set([93, 125]);

function* arrayElements(text: string, openAt: number): Generator<RawRecord> {
  let line = 1 + countNewlines(text, 0, openAt);
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  let elementLine = line;
  for (let i = openAt; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === NEWLINE) line++;
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (depth === 1 && elementStart < 0 && code > 32 && code !== COMMA && !CLOSERS.has(code)) {
      elementStart = i;
      elementLine = line;
    }
    if (code === QUOTE) inString = true;
    else if (OPENERS.has(code)) depth++;
    else if (CLOSERS.has(code) || (code === COMMA && depth === 1)) {
      if (depth === 1 && elementStart >= 0) {
        yield { line: elementLine, text: text.slice(elementStart, i).trim() };
        elementStart = -1;
      }
      if (code !== COMMA) depth--;
      if (depth === 0) return;
    }
  }
  // Unterminated array: hand over what is left so its parse error is reported, not swallowed.
  if (elementStart >= 0) yield { line: elementLine, text: text.slice(elementStart).trim() };
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

export type ParsedRecord = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON.parse with the record-size cap; never throws. */
export function parseRecord(record: RawRecord): ParsedRecord {
  if (record.text.length > MAX_RECORD_CHARS) {
    return { ok: false, message: `record longer than ${MAX_RECORD_CHARS} characters` };
  }
  try {
    return { ok: true, value: JSON.parse(record.text) };
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${error instanceof Error ? error.message.slice(0, 120) : 'parse error'}` };
  }
}

/** A JSON string inside a record (ShareGPT `tools`, xLAM `answers`); `undefined` if it is not JSON. */
export function parseEmbeddedJson(text: string): unknown {
  if (text.length > MAX_RECORD_CHARS) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
