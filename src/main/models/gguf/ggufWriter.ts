import { writeFileAtomically } from '../../atomicFile.js';
import { toFloat16Bits } from './float16.js';
import {
  GGML_TYPE_F16,
  GGML_TYPE_F32,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAX_DIMS,
  GGUF_VALUE_TYPE_IDS,
  GGUF_VERSION,
  GgufError,
  type GgufArray,
  type GgufValue,
} from './ggufTypes.js';

export type WritableTensorType = 'F32' | 'F16';

export interface TensorToWrite {
  name: string;
  /** ggml order: dims[0] is the contiguous dimension. */
  dims: number[];
  type: WritableTensorType;
  /**
   * Values in ggml order, or a function producing them when the writer reaches this tensor, so a
   * generator never holds every tensor in memory at once.
   */
  data: Float32Array | (() => Float32Array);
}

/**
 * Builds a GGUF v3 file: metadata of every value type and F32/F16 tensors, data aligned to
 * `general.alignment` (32 unless set). Writes through a temp file + rename so a crash never
 * leaves a half-written model under the final name.
 */
export class GgufWriter {
  private readonly metadata = new Map<string, GgufValue>();
  private readonly tensors: TensorToWrite[] = [];

  set(key: string, value: GgufValue): this {
    if (key === 'general.alignment') {
      if (value.type !== 'u32' || value.value === 0 || (value.value & (value.value - 1)) !== 0) {
        throw new GgufError('general.alignment must be a non-zero power of two u32');
      }
    }
    this.metadata.set(key, value);
    return this;
  }

  setString(key: string, value: string): this { return this.set(key, { type: 'string', value }); }
  setU32(key: string, value: number): this { return this.set(key, { type: 'u32', value }); }
  setF32(key: string, value: number): this { return this.set(key, { type: 'f32', value }); }
  setBool(key: string, value: boolean): this { return this.set(key, { type: 'bool', value }); }

  addTensor(tensor: TensorToWrite): this {
    if (this.tensors.some((t) => t.name === tensor.name)) throw new GgufError(`duplicate tensor ${tensor.name}`);
    if (tensor.dims.length === 0 || tensor.dims.length > GGUF_MAX_DIMS) throw new GgufError(`tensor ${tensor.name} needs 1..${GGUF_MAX_DIMS} dims`);
    if (tensor.dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) throw new GgufError(`tensor ${tensor.name} has an invalid dimension`);
    this.tensors.push(tensor);
    return this;
  }

  get alignment(): number {
    const v = this.metadata.get('general.alignment');
    return v?.type === 'u32' ? v.value : GGUF_DEFAULT_ALIGNMENT;
  }

  /** Serializes the whole file into memory (tests and small files). */
  toBytes(): Uint8Array {
    const parts: Uint8Array[] = [];
    this.emit((chunk) => parts.push(chunk.slice()));
    return concat(parts);
  }

  writeFile(path: string): void {
    writeFileAtomically(path, (write) => this.emit(write));
  }

  private emit(write: (chunk: Uint8Array) => void): void {
    const alignment = this.alignment;
    const header = new ByteBuilder();
    header.bytes(new TextEncoder().encode('GGUF'));
    header.u32(GGUF_VERSION);
    header.u64(BigInt(this.tensors.length));
    header.u64(BigInt(this.metadata.size));
    for (const [key, value] of this.metadata) {
      header.string(key);
      header.u32(GGUF_VALUE_TYPE_IDS[value.type]);
      writeValue(header, value);
    }
    let offset = 0;
    const sizes: number[] = [];
    for (const t of this.tensors) {
      header.string(t.name);
      header.u32(t.dims.length);
      for (const d of t.dims) header.u64(BigInt(d));
      header.u32(t.type === 'F32' ? GGML_TYPE_F32 : GGML_TYPE_F16);
      header.u64(BigInt(offset));
      const size = t.dims.reduce((a, b) => a * b, 1) * (t.type === 'F32' ? 4 : 2);
      sizes.push(size);
      offset += align(size, alignment);
    }
    header.zeros(align(header.length, alignment) - header.length);
    write(header.finish());

    this.tensors.forEach((t, i) => {
      const values = typeof t.data === 'function' ? t.data() : t.data;
      const size = sizes[i] ?? 0;
      const count = t.dims.reduce((a, b) => a * b, 1);
      if (values.length !== count) throw new GgufError(`tensor ${t.name} has ${values.length} values, dims say ${count}`);
      write(encodeTensor(values, t.type));
      const pad = align(size, alignment) - size;
      if (pad > 0) write(new Uint8Array(pad));
    });
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function encodeTensor(values: Float32Array, type: WritableTensorType): Uint8Array {
  if (type === 'F32') {
    // GGUF is little-endian: on such hosts the array's own bytes are the encoding (no copy of a 500 MB embedding)
    if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
    return out;
  }
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toFloat16Bits(values[i] ?? 0), true);
  return out;
}

function writeValue(out: ByteBuilder, value: GgufValue): void {
  switch (value.type) {
    case 'u8': out.fixed(1, (v, o) => v.setUint8(o, value.value)); break;
    case 'i8': out.fixed(1, (v, o) => v.setInt8(o, value.value)); break;
    case 'u16': out.fixed(2, (v, o) => v.setUint16(o, value.value, true)); break;
    case 'i16': out.fixed(2, (v, o) => v.setInt16(o, value.value, true)); break;
    case 'u32': out.u32(value.value); break;
    case 'i32': out.fixed(4, (v, o) => v.setInt32(o, value.value, true)); break;
    case 'f32': out.fixed(4, (v, o) => v.setFloat32(o, value.value, true)); break;
    case 'f64': out.fixed(8, (v, o) => v.setFloat64(o, value.value, true)); break;
    case 'u64': out.u64(value.value); break;
    case 'i64': out.fixed(8, (v, o) => v.setBigInt64(o, value.value, true)); break;
    case 'bool': out.fixed(1, (v, o) => v.setUint8(o, value.value ? 1 : 0)); break;
    case 'string': out.string(value.value); break;
    case 'array': writeArray(out, value); break;
  }
}

function writeArray(out: ByteBuilder, array: GgufArray): void {
  out.u32(GGUF_VALUE_TYPE_IDS[array.itemType]);
  out.u64(BigInt(array.value.length));
  switch (array.itemType) {
    case 'array': for (const item of array.value) writeArray(out, item); break;
    case 'string': for (const item of array.value) out.string(item); break;
    case 'bool': for (const item of array.value) writeValue(out, { type: 'bool', value: item }); break;
    case 'u64': case 'i64': {
      const t = array.itemType;
      for (const item of array.value) writeValue(out, { type: t, value: item });
      break;
    }
    default: {
      const t = array.itemType;
      for (const item of array.value) writeValue(out, { type: t, value: item });
    }
  }
}

function align(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** Growable little-endian byte buffer for the header (which can hold a 150k-token vocabulary). */
class ByteBuilder {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;
  private readonly encoder = new TextEncoder();

  private reserve(n: number): number {
    if (this.length + n > this.buffer.byteLength) {
      let size = this.buffer.byteLength * 2;
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  fixed(n: number, set: (view: DataView, offset: number) => void): void {
    const at = this.reserve(n); // may reallocate: take the view afterwards
    set(this.view, at);
  }

  u32(v: number): void { this.fixed(4, (view, o) => view.setUint32(o, v, true)); }
  u64(v: bigint): void { this.fixed(8, (view, o) => view.setBigUint64(o, v, true)); }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.byteLength);
    this.buffer.set(b, at);
  }

  zeros(n: number): void {
    const at = this.reserve(n);
    this.buffer.fill(0, at, this.length);
  }

  string(s: string): void {
    const b = this.encoder.encode(s);
    this.u64(BigInt(b.byteLength));
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
