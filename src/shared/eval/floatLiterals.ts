/**
 * Where a JSON text writes a number with a fraction or an exponent (`10.0`, `1e3`). `JSON.parse` turns `10` and
 * `10.0` into the same number; BFCL's checker (Python's `json.loads`) tells them apart — a float for an integer
 * parameter fails — so the checker reads this from the text the model (or a prediction file) wrote.
 */

/** JSON Pointers (RFC 6901) of the float literals in `text`; `null` where the text is not one JSON value. */
export function floatLiteralPaths(text: string): Set<string> | null {
  const floats = new Set<string>();
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const readString = (): string | null => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return null;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return null;
    }
  };
  const readValue = (path: string, depth: number): boolean => {
    if (depth > 64) return false;
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      const object = c === '{';
      i++;
      skipSpace();
      if (text[i] === (object ? '}' : ']')) {
        i++;
        return true;
      }
      for (let index = 0; ; index++) {
        let key = String(index);
        if (object) {
          skipSpace();
          if (text[i] !== '"') return false;
          const read = readString();
          if (read === null) return false;
          key = read;
          skipSpace();
          if (text[i++] !== ':') return false;
        }
        if (!readValue(`${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1)) return false;
        skipSpace();
        const next = text[i++];
        if (next === (object ? '}' : ']')) return true;
        if (next !== ',') return false;
      }
    }
    if (c === '"') return readString() !== null;
    const literal = /^(?:-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!literal) return false;
    if (literal[1] !== undefined || literal[2] !== undefined) floats.add(path);
    i += literal[0].length;
    return true;
  };
  if (!readValue('', 0)) return null;
  skipSpace();
  return i === text.length ? floats : null;
}

/** A call's arguments as written: the value, and where it wrote floats; `null` when the text is not one JSON value. */
export function readArgumentsText(text: string): { arguments: unknown; floats: Set<string> } | null {
  const floats = floatLiteralPaths(text);
  return floats === null ? null : { arguments: JSON.parse(text) as unknown, floats };
}
