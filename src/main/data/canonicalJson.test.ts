import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CanonicalHasher, canonicalJson } from './canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every depth and ignores undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 0, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":0}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('escapes strings and keys like JSON does', () => {
    expect(canonicalJson({ 'k"': 'line\nbreak 😀' })).toBe(JSON.stringify({ 'k"': 'line\nbreak 😀' }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(() => 1)).toThrow(/not JSON/);
  });
});

describe('CanonicalHasher', () => {
  it('hashes a stream of values as one canonical array', () => {
    const values = [{ b: 1, a: 2 }, 'x', [3]];
    const hasher = new CanonicalHasher();
    values.forEach((value) => hasher.add(value));
    expect(hasher.digest()).toBe(createHash('sha256').update(canonicalJson(values)).digest('hex'));
    expect(new CanonicalHasher().digest()).toBe(createHash('sha256').update('[]').digest('hex'));
  });
});
