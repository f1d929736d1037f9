import { parseEmbeddedJson } from './records';

/** A top-level JSON value inside prose: its place and what it parses to. */
export interface JsonSpan {
  start: number;
  end: number;
  value: unknown;
}

/**
 * The top-level `{…}` (and, with `arrays`, `[…]`) spans of a text that parse as JSON, string-aware: tool lists and
 * calls written into prompts, one after another or amid the prose.
 */
export function jsonSpans(text: string, options: { arrays: boolean }): JsonSpan[] {
  const spans: JsonSpan[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"' && depth > 0) inString = true;
    else if (char === '{' || (options.arrays && char === '[')) {
      if (depth++ === 0) start = i;
    } else if ((char === '}' || (options.arrays && char === ']')) && depth > 0 && --depth === 0) {
      const value = parseEmbeddedJson(text.slice(start, i + 1));
      if (value !== undefined) spans.push({ start, end: i + 1, value });
    }
  }
  return spans;
}
