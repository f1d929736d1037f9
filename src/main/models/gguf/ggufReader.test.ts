import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GgufWriter } from './ggufWriter.js';
import { readGgufBytes } from './ggufReader.js';
import { GgufError } from './ggufTypes.js';

function sampleFile(): Uint8Array {
  return new GgufWriter()
    .setString('general.architecture', 'qwen2')
    .set('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: ['a', 'b', 'Ġc'] })
    .set('x.arr', { type: 'array', itemType: 'i32', value: [1, 2, 3] })
    .addTensor({ name: 'w', dims: [4, 2], type: 'F32', data: new Float32Array(8).fill(1) })
    .toBytes();
}

/** Little-endian patch helpers for hand-crafted hostile headers. */
function header(parts: Array<['u32', number] | ['u64', bigint] | ['str', string] | ['raw', Uint8Array]>): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const [kind, v] of parts) {
    if (kind === 'u32') { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); chunks.push(b); }
    if (kind === 'u64') { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, v, true); chunks.push(b); }
    if (kind === 'str') { const s = new TextEncoder().encode(v); const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(s.length), true); chunks.push(b, s); }
    if (kind === 'raw') chunks.push(v);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}
const MAGIC: ['raw', Uint8Array] = ['raw', new TextEncoder().encode('GGUF')];

describe('readGguf on broken files', () => {
  it('reads the intact sample', () => {
    const f = readGgufBytes(sampleFile());
    expect(f.tensors.map((t) => t.name)).toEqual(['w']);
  });

  it('gives a GgufError for every truncation of a valid file', () => {
    const bytes = sampleFile();
    for (let n = 0; n < bytes.length; n++) {
      expect(() => readGgufBytes(bytes.subarray(0, n)), `truncated at ${n}`).toThrow(GgufError);
    }
  });

  it('refuses bad magic, unknown versions and big-endian files', () => {
    expect(() => readGgufBytes(new TextEncoder().encode('GGML\x03\0\0\0'))).toThrow(/bad magic/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 7], ['u64', 0n], ['u64', 0n]]))).toThrow(/version 7/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 0x03000000], ['u64', 0n], ['u64', 0n]]))).toThrow(/big-endian/);
  });

  it('never allocates for counts the file cannot hold', () => {
    // A 4-billion-element string array declared in a 60-byte file.
    const hugeArray = header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'k'], ['u32', 9], ['u32', 8], ['u64', 4_000_000_000n]]);
    expect(() => readGgufBytes(hugeArray)).toThrow(/exceeds the limit|truncated/);
    const bigButCapped = header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'k'], ['u32', 9], ['u32', 4], ['u64', 1000n]]);
    expect(() => readGgufBytes(bigButCapped)).toThrow(/does not fit/);
    const hugeString = header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['u64', 2n ** 62n]]);
    expect(() => readGgufBytes(hugeString)).toThrow(GgufError);
    const manyKeys = header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 2n ** 40n]]);
    expect(() => readGgufBytes(manyKeys)).toThrow(/metadata count/);
  });

  it('refuses deep nesting, bad types, bad bools, duplicate keys and odd alignment', () => {
    const nest: Array<['u32', number] | ['u64', bigint]> = [];
    for (let i = 0; i < 10; i++) nest.push(['u32', 9], ['u64', 1n]);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'k'], ['u32', 9], ...nest, ['raw', new Uint8Array(64)]]))).toThrow(/deeper/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'k'], ['u32', 13]]))).toThrow(/unknown value type/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'k'], ['u32', 7], ['raw', Uint8Array.of(2)]]))).toThrow(/bool/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 2n], ['str', 'k'], ['u32', 4], ['u32', 1], ['str', 'k'], ['u32', 4], ['u32', 1]]))).toThrow(/duplicate/);
    expect(() => readGgufBytes(header([MAGIC, ['u32', 3], ['u64', 0n], ['u64', 1n], ['str', 'general.alignment'], ['u32', 4], ['u32', 3]]))).toThrow(/alignment/);
  });

  it('validates tensor infos: dims, type, alignment, and data inside the file', () => {
    const tensor = (nDims: number, dims: bigint[], type: number, offset: bigint) =>
      header([MAGIC, ['u32', 3], ['u64', 1n], ['u64', 0n], ['str', 't'], ['u32', nDims], ...dims.map((d): ['u64', bigint] => ['u64', d]), ['u32', type], ['u64', offset], ['raw', new Uint8Array(64)]]);
    expect(() => readGgufBytes(tensor(5, [1n, 1n, 1n, 1n, 1n], 0, 0n))).toThrow(/dimensions/);
    expect(() => readGgufBytes(tensor(1, [4n], 4, 0n))).toThrow(/unknown ggml type/);
    expect(() => readGgufBytes(tensor(1, [4n], 0, 3n))).toThrow(/not aligned/);
    expect(() => readGgufBytes(tensor(1, [1_000_000n], 0, 0n))).toThrow(/truncated/);
    expect(() => readGgufBytes(tensor(2, [2n ** 40n, 2n ** 40n], 0, 0n))).toThrow(GgufError);
    expect(() => readGgufBytes(tensor(1, [33n], 2, 0n))).toThrow(/block size/);
    expect(readGgufBytes(tensor(1, [4n], 0, 0n)).tensors[0]?.byteSize).toBe(16);
  });

  it('property: arbitrary bytes never throw anything but GgufError', () => {
    const isOurs = (bytes: Uint8Array) => {
      try {
        readGgufBytes(bytes);
        return true;
      } catch (error) {
        return error instanceof GgufError;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), isOurs), { numRuns: 2000 });
    // Start from a valid GGUF header so mutations reach the deep code paths.
    const valid = sampleFile();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length), (edits, cut) => {
        const bytes = valid.slice(0, Math.max(cut, 8));
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        return isOurs(bytes);
      }),
      { numRuns: 3000 },
    );
  });
});
