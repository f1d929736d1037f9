import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatasetFileError,
  decodeTtds,
  encodeTtds,
  readTtdsFile,
  samplesOf,
  vocabHash,
  vocabHashReference,
  writeTtdsFile,
  type TokenSample,
} from './datasetFile.js';

const dir = mkdtempSync(join(tmpdir(), 'ttds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vocabHash', () => {
  it('is FNV-1a 64 over token bytes + NUL', () => {
    // FNV-1a 64 of the single byte 0x00 is a published test vector.
    expect(vocabHash([''])).toBe(0xaf63bd4c8601b7dfn);
    // "a\0": FNV-1a("a") = 0xaf63dc4c8601ec8c, then one more round with 0x00.
    expect(vocabHash(['a'])).toBe(((0xaf63dc4c8601ec8cn) * 0x100000001b3n) & ((1n << 64n) - 1n));
    expect(vocabHash([])).toBe(0xcbf29ce484222325n);
  });

  it('matches the BigInt reference on arbitrary vocabularies', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 40 }), (tokens) => vocabHash(tokens) === vocabHashReference(tokens)));
  });
});

describe('TTDS v1', () => {
  const header = { nVocab: 100, vocabHash: 0xfedcba9876543210n };
  const samples: TokenSample[] = [
    { tokens: [1, 2, 3], mask: [0, 1, 1] },
    { tokens: [], mask: [] },
    { tokens: [99, 0], mask: [1, 0] },
  ];

  it('has exactly the documented layout', () => {
    const bytes = encodeTtds(header, samples);
    const view = new DataView(bytes.buffer);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('TTDS');
    expect(view.getUint32(4, true)).toBe(1);
    expect(view.getUint32(8, true)).toBe(100);
    expect(view.getUint32(12, true)).toBe(3);
    expect(view.getBigUint64(16, true)).toBe(5n);
    expect(view.getBigUint64(24, true)).toBe(0xfedcba9876543210n);
    expect([0, 1, 2, 3].map((i) => view.getBigUint64(32 + i * 8, true))).toEqual([0n, 3n, 3n, 5n]);
    const tokensAt = 32 + 4 * 8;
    expect([0, 1, 2, 3, 4].map((i) => view.getInt32(tokensAt + i * 4, true))).toEqual([1, 2, 3, 99, 0]);
    expect(Array.from(bytes.subarray(tokensAt + 20))).toEqual([0, 1, 1, 1, 0]);
    expect(bytes.byteLength).toBe(32 + 32 + 25);
  });

  it('round-trips through a file', () => {
    const path = join(dir, 'a.ttds');
    writeTtdsFile(path, header, samples);
    const back = readTtdsFile(path);
    expect(back.nVocab).toBe(100);
    expect(back.vocabHash).toBe(header.vocabHash);
    expect(samplesOf(back).map((s) => ({ tokens: Array.from(s.tokens), mask: Array.from(s.mask) }))).toEqual(samples);
  });

  it('property: encode/decode round trip', () => {
    const sample = fc.array(fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 1 })), { maxLength: 20 }).map((pairs) => ({ tokens: pairs.map((p) => p[0]), mask: pairs.map((p) => p[1]) }));
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 10 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (list, hash) => {
        const back = decodeTtds(encodeTtds({ nVocab: 1000, vocabHash: hash }, list));
        expect(back.vocabHash).toBe(hash);
        expect(samplesOf(back).map((s) => ({ tokens: Array.from(s.tokens), mask: Array.from(s.mask) }))).toEqual(list);
      }),
    );
  });

  it('refuses invalid samples when writing', () => {
    expect(() => encodeTtds(header, [{ tokens: [100], mask: [1] }])).toThrow(DatasetFileError);
    expect(() => encodeTtds(header, [{ tokens: [-1], mask: [1] }])).toThrow(DatasetFileError);
    expect(() => encodeTtds(header, [{ tokens: [1, 2], mask: [1] }])).toThrow(/mask length/);
    expect(() => encodeTtds(header, [{ tokens: [1], mask: [2] }])).toThrow(/0 or 1/);
  });

  it('detects corruption when reading', () => {
    const good = encodeTtds(header, samples);
    const corrupt = (at: number, value: number) => { const b = good.slice(); b[at] = value; return b; };
    expect(() => decodeTtds(good.subarray(0, 20))).toThrow(/too short/);
    expect(() => decodeTtds(good.subarray(0, good.length - 1))).toThrow(/does not match/);
    expect(() => decodeTtds(corrupt(0, 0x58))).toThrow(/magic/);
    expect(() => decodeTtds(corrupt(4, 2))).toThrow(/version/);
    expect(() => decodeTtds(corrupt(40, 4))).toThrow(/offsets\[2\]/); // offsets[1] = 4 > offsets[2] = 3
    expect(() => decodeTtds(corrupt(64, 200))).toThrow(/outside the vocabulary/);
    expect(() => decodeTtds(corrupt(good.length - 1, 7))).toThrow(/mask/);
    const path = join(dir, 'junk.ttds');
    writeFileSync(path, 'TTDS garbage');
    expect(() => readTtdsFile(path)).toThrow(DatasetFileError);
  });

  it('property: arbitrary bytes never throw anything but DatasetFileError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeTtds(bytes);
        } catch (error) {
          return error instanceof DatasetFileError;
        }
        return true;
      }),
    );
  });
});
