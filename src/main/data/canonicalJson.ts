import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always give equal
 * text whatever order their keys were built in. The basis of dataset version hashes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`not JSON: ${typeof value}`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** Incremental sha256 over a sequence of values, each canonicalized, as one JSON array. */
export class CanonicalHasher {
  private readonly hash = createHash('sha256');
  private first = true;

  constructor() {
    this.hash.update('[');
  }

  add(value: unknown): void {
    this.hash.update(this.first ? canonicalJson(value) : `,${canonicalJson(value)}`);
    this.first = false;
  }

  /** Hex digest; equals `sha256(canonicalJson(allValues))`. */
  digest(): string {
    this.hash.update(']');
    return this.hash.digest('hex');
  }
}
