/**
 * JSON Schema `pattern` and `patternProperties` run on RE2 (re2js, a JavaScript port), whose matching time is
 * linear in the input: a pattern like `^(a|a)*$` cannot freeze argument checks, whatever the text. RE2 has no
 * backreferences and no lookaround; such a pattern stays in the schema, is reported at import, and is not
 * enforced when arguments are checked (ajv sees a pattern that matches everything).
 */
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS | string>();

/** The compiled pattern, or why RE2 cannot run it. */
function compile(pattern: string, flags: string): RE2JS | string {
  const key = `${flags}/${pattern}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    try {
      entry = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    } catch (error) {
      entry = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(key, entry);
  }
  return entry;
}

/**
 * ajv's `code.regExp`: `test` finds a match anywhere, like `RegExp.prototype.test`. ajv keys compiled patterns by
 * `toString()`, so each must say which pattern it is (a shared default string made every pattern the first one).
 */
export const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const re = compile(pattern, flags);
    return {
      test: typeof re === 'string' ? () => true : (text: string) => re.matcher(text).find(),
      toString: () => `/${pattern}/${flags}`,
    };
  },
  { code: 'linearRegExp' },
);

/** Why RE2 cannot run `pattern` (a backreference, a lookaround, …), or null when it can. */
export function unsupportedPattern(pattern: string): string | null {
  const re = compile(pattern, 'u');
  return typeof re === 'string' ? re : null;
}
