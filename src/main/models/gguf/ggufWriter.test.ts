import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GgufWriter } from './ggufWriter.js';
import { readGgufBytes, readGgufFile } from './ggufReader.js';
import { readTensorF32 } from './tensorData.js';
import { GGML_TYPE_F16, GGML_TYPE_F32, GgufError, type GgufValue } from './ggufTypes.js';

const dir = mkdtempSync(join(tmpdir(), 'gguf-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const everyType: Array<[string, GgufValue]> = [
  ['t.u8', { type: 'u8', value: 255 }],
  ['t.i8', { type: 'i8', value: -128 }],
  ['t.u16', { type: 'u16', value: 65535 }],
  ['t.i16', { type: 'i16', value: -32768 }],
  ['t.u32', { type: 'u32', value: 4294967295 }],
  ['t.i32', { type: 'i32', value: -2147483648 }],
  ['t.f32', { type: 'f32', value: 1.5 }],
  ['t.f64', { type: 'f64', value: Math.PI }],
  ['t.u64', { type: 'u64', value: 18446744073709551615n }],
  ['t.i64', { type: 'i64', value: -9223372036854775808n }],
  ['t.bool', { type: 'bool', value: true }],
  ['t.string', { type: 'string', value: 'héllo <|im_end|> 🙂' }],
  ['t.arr.u8', { type: 'array', itemType: 'u8', value: [0, 1, 255] }],
  ['t.arr.i32', { type: 'array', itemType: 'i32', value: [-1, 0, 7] }],
  ['t.arr.f32', { type: 'array', itemType: 'f32', value: [0.25, -2] }],
  ['t.arr.f64', { type: 'array', itemType: 'f64', value: [1e300] }],
  ['t.arr.u64', { type: 'array', itemType: 'u64', value: [1n, 2n ** 63n] }],
  ['t.arr.i64', { type: 'array', itemType: 'i64', value: [-5n] }],
  ['t.arr.bool', { type: 'array', itemType: 'bool', value: [true, false] }],
  ['t.arr.string', { type: 'array', itemType: 'string', value: ['a', '', 'Ġthe'] }],
  ['t.arr.empty', { type: 'array', itemType: 'u16', value: [] }],
  [
    't.arr.nested',
    { type: 'array', itemType: 'array', value: [{ type: 'array', itemType: 'string', value: ['x'] }, { type: 'array', itemType: 'i8', value: [-1] }] },
  ],
];

describe('GgufWriter + readGguf round trip', () => {
  it('preserves every metadata value type, in order', () => {
    const w = new GgufWriter();
    for (const [k, v] of everyType) w.set(k, v);
    const file = readGgufBytes(w.toBytes());
    expect(file.version).toBe(3);
    expect([...file.metadata.keys()]).toEqual(everyType.map(([k]) => k));
    for (const [k, v] of everyType) expect(file.metadata.get(k)).toEqual(v);
  });

  it('writes F32 and F16 tensors at 32-byte aligned offsets', () => {
    const f32 = Float32Array.from({ length: 15 }, (_, i) => i * 0.5 - 3);
    const f16 = Float32Array.from([1, -2, 0.5, 65504, 1e-8, 0.1]);
    const path = join(dir, 'tensors.gguf');
    new GgufWriter()
      .setString('general.architecture', 'test')
      .addTensor({ name: 'a', dims: [5, 3], type: 'F32', data: f32 })
      .addTensor({ name: 'b', dims: [6], type: 'F16', data: () => f16 })
      .writeFile(path);
    const file = readGgufFile(path);
    expect(file.alignment).toBe(32);
    expect(file.dataOffset % 32).toBe(0);
    const [a, b] = file.tensors;
    expect(a).toMatchObject({ name: 'a', dims: [5, 3], type: GGML_TYPE_F32, offset: 0, byteSize: 60 });
    expect(b).toMatchObject({ name: 'b', dims: [6], type: GGML_TYPE_F16, offset: 64, byteSize: 12 });
    expect(Array.from(readTensorF32(path, file, a!))).toEqual(Array.from(f32));
    const back = readTensorF32(path, file, b!);
    expect(back[0]).toBe(1);
    expect(back[3]).toBe(65504);
    expect(back[5]).toBeCloseTo(0.1, 3);
    expect(back[4]).toBe(0); // below the smallest half subnormal
  });

  it('honours a custom general.alignment', () => {
    const w = new GgufWriter().setU32('general.alignment', 64).addTensor({ name: 'x', dims: [3], type: 'F32', data: new Float32Array(3) });
    w.addTensor({ name: 'y', dims: [1], type: 'F32', data: new Float32Array(1) });
    const file = readGgufBytes(w.toBytes());
    expect(file.alignment).toBe(64);
    expect(file.dataOffset % 64).toBe(0);
    expect(file.tensors[1]?.offset).toBe(64);
  });

  it('rejects bad input with GgufError', () => {
    expect(() => new GgufWriter().setU32('general.alignment', 24)).toThrow(GgufError);
    const w = new GgufWriter().addTensor({ name: 'x', dims: [2], type: 'F32', data: new Float32Array(2) });
    expect(() => w.addTensor({ name: 'x', dims: [2], type: 'F32', data: new Float32Array(2) })).toThrow(GgufError);
    expect(() => new GgufWriter().addTensor({ name: 'z', dims: [0], type: 'F32', data: new Float32Array(0) })).toThrow(GgufError);
    const wrongCount = new GgufWriter().addTensor({ name: 'x', dims: [4], type: 'F32', data: new Float32Array(3) });
    expect(() => wrongCount.toBytes()).toThrow(GgufError);
  });
});
