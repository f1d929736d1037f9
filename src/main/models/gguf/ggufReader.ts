import { bufferSource, fileSource, type ByteSource } from './byteSource.js';
import {
  GGML_TYPES,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_FIXED_SIZES,
  GGUF_MAX_DIMS,
  GgufError,
  tensorByteSize,
  valueTypeName,
  type GgufArray,
  type GgufFile,
  type GgufTensorInfo,
  type GgufValue,
  type GgufValueTypeName,
} from './ggufTypes.js';

/**
 * Caps that keep a hostile file from making us allocate or loop without bound. Counts are also
 * checked against the bytes left in the file, so a 100-byte file can never ask for a 4 GiB array.
 */
export interface GgufReadLimits {
  maxKeyValues: number;
  maxTensors: number;
  maxStringBytes: number;
  maxArrayLength: number;
  maxArrayDepth: number;
  /** Total bytes of the header (metadata + tensor infos). */
  maxHeaderBytes: number;
}

export const DEFAULT_GGUF_READ_LIMITS: GgufReadLimits = {
  maxKeyValues: 1 << 16,
  maxTensors: 1 << 20,
  maxStringBytes: 16 << 20,
  maxArrayLength: 1 << 24,
  maxArrayDepth: 4,
  maxHeaderBytes: 512 << 20,
};

export interface GgufReadOptions {
  limits?: Partial<GgufReadLimits>;
  /** Skip tensor infos (e.g. when only the tokenizer is needed). Default false. */
  metadataOnly?: boolean;
}

const CHUNK_BYTES = 1 << 20;
const utf8 = new TextDecoder('utf-8');

/** Sequential little-endian cursor over a ByteSource with a small read-ahead window. */
class Cursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  position = 0;

  constructor(
    private readonly source: ByteSource,
    private readonly maxHeaderBytes: number,
  ) {}

  get remaining(): number {
    return this.source.size - this.position;
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.remaining) {
      throw new GgufError(`file is truncated: ${what} needs ${length} bytes at offset ${this.position}, only ${this.remaining} left`);
    }
    if (this.position + length > this.maxHeaderBytes) {
      throw new GgufError(`GGUF header exceeds the limit of ${this.maxHeaderBytes} bytes`);
    }
    const windowOffset = this.position - this.windowStart;
    if (windowOffset < 0 || windowOffset + length > this.window.byteLength) {
      this.windowStart = this.position;
      this.window = this.source.read(this.position, Math.min(Math.max(length, CHUNK_BYTES), this.remaining));
      if (this.window.byteLength < length) throw new GgufError(`file is truncated at offset ${this.position}`);
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  private view(length: number, what: string): DataView {
    const bytes = this.take(length, what);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  u8(what: string): number { return this.view(1, what).getUint8(0); }
  i8(what: string): number { return this.view(1, what).getInt8(0); }
  u16(what: string): number { return this.view(2, what).getUint16(0, true); }
  i16(what: string): number { return this.view(2, what).getInt16(0, true); }
  u32(what: string): number { return this.view(4, what).getUint32(0, true); }
  i32(what: string): number { return this.view(4, what).getInt32(0, true); }
  f32(what: string): number { return this.view(4, what).getFloat32(0, true); }
  f64(what: string): number { return this.view(8, what).getFloat64(0, true); }
  u64(what: string): bigint { return this.view(8, what).getBigUint64(0, true); }
  i64(what: string): bigint { return this.view(8, what).getBigInt64(0, true); }

  /** A u64 that must fit `max` (and thus a JS number). */
  count(what: string, max: number): number {
    const n = this.u64(what);
    if (n > BigInt(max)) throw new GgufError(`${what} ${n} exceeds the limit of ${max}`);
    return Number(n);
  }

  string(what: string, maxBytes: number): string {
    const length = this.count(`${what} length`, maxBytes);
    return utf8.decode(this.take(length, what));
  }
}

/** Reads the header of a GGUF file (metadata and tensor infos) without loading tensor data. */
export function readGgufFile(path: string, options: GgufReadOptions = {}): GgufFile {
  let source: ByteSource;
  try {
    source = fileSource(path);
  } catch (error) {
    throw new GgufError(`cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    return readGguf(source, options);
  } finally {
    source.close();
  }
}

export function readGgufBytes(bytes: Uint8Array, options: GgufReadOptions = {}): GgufFile {
  return readGguf(bufferSource(bytes), options);
}

export function readGguf(source: ByteSource, options: GgufReadOptions = {}): GgufFile {
  const limits = { ...DEFAULT_GGUF_READ_LIMITS, ...options.limits };
  const cursor = new Cursor(source, limits.maxHeaderBytes);

  const magic = cursor.take(4, 'magic');
  if (magic[0] !== 0x47 || magic[1] !== 0x47 || magic[2] !== 0x55 || magic[3] !== 0x46) {
    throw new GgufError('not a GGUF file (bad magic)');
  }
  const version = cursor.u32('version');
  if (version === 0x03000000 || version === 0x02000000) throw new GgufError('big-endian GGUF files are not supported');
  if (version !== 2 && version !== 3) throw new GgufError(`unsupported GGUF version ${version}`);

  const tensorCount = cursor.count('tensor count', limits.maxTensors);
  const kvCount = cursor.count('metadata count', limits.maxKeyValues);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = cursor.string('metadata key', limits.maxStringBytes);
    if (metadata.has(key)) throw new GgufError(`duplicate metadata key ${JSON.stringify(key)}`);
    const typeId = cursor.u32(`type of ${key}`);
    metadata.set(key, readValue(cursor, typeId, key, limits, 0));
  }

  let alignment = GGUF_DEFAULT_ALIGNMENT;
  const alignmentValue = metadata.get('general.alignment');
  if (alignmentValue !== undefined) {
    if (alignmentValue.type !== 'u32' || alignmentValue.value === 0 || (alignmentValue.value & (alignmentValue.value - 1)) !== 0) {
      throw new GgufError('general.alignment must be a non-zero power of two u32');
    }
    alignment = alignmentValue.value;
  }

  const tensors: GgufTensorInfo[] = [];
  if (options.metadataOnly) {
    return { version, metadata, tensors, alignment, dataOffset: -1, fileSize: source.size };
  }

  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = cursor.string('tensor name', 1024);
    if (names.has(name)) throw new GgufError(`duplicate tensor ${JSON.stringify(name)}`);
    names.add(name);
    const nDims = cursor.u32(`dimension count of ${name}`);
    if (nDims > GGUF_MAX_DIMS) throw new GgufError(`tensor ${name} has ${nDims} dimensions (max ${GGUF_MAX_DIMS})`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const n = cursor.u64(`dimension ${d} of ${name}`);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufError(`tensor ${name} dimension ${d} is too large`);
      dims.push(Number(n));
    }
    const type = cursor.u32(`type of ${name}`);
    if (!GGML_TYPES[type]) throw new GgufError(`tensor ${name} has unknown ggml type ${type}`);
    const offset = cursor.u64(`offset of ${name}`);
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufError(`tensor ${name} offset is too large`);
    if (Number(offset) % alignment !== 0) throw new GgufError(`tensor ${name} offset ${offset} is not aligned to ${alignment}`);
    let byteSize: number;
    try {
      byteSize = tensorByteSize(type, dims);
    } catch (error) {
      throw new GgufError(`tensor ${name}: ${(error as Error).message}`);
    }
    tensors.push({ name, dims, type, offset: Number(offset), byteSize });
  }

  const dataOffset = Math.ceil(cursor.position / alignment) * alignment;
  for (const t of tensors) {
    if (dataOffset + t.offset + t.byteSize > source.size) {
      throw new GgufError(`file is truncated: data of tensor ${t.name} ends past the end of the file`);
    }
  }
  return { version, metadata, tensors, alignment, dataOffset, fileSize: source.size };
}

function readValue(cursor: Cursor, typeId: number, key: string, limits: GgufReadLimits, depth: number): GgufValue {
  const type = valueTypeName(typeId);
  if (type === undefined) throw new GgufError(`metadata ${key} has unknown value type ${typeId}`);
  if (type === 'array') return readArray(cursor, key, limits, depth + 1);
  return readScalar(cursor, type, key, limits);
}

function readScalar(cursor: Cursor, type: Exclude<GgufValueTypeName, 'array'>, key: string, limits: GgufReadLimits): GgufValue {
  switch (type) {
    case 'u8': return { type, value: cursor.u8(key) };
    case 'i8': return { type, value: cursor.i8(key) };
    case 'u16': return { type, value: cursor.u16(key) };
    case 'i16': return { type, value: cursor.i16(key) };
    case 'u32': return { type, value: cursor.u32(key) };
    case 'i32': return { type, value: cursor.i32(key) };
    case 'f32': return { type, value: cursor.f32(key) };
    case 'f64': return { type, value: cursor.f64(key) };
    case 'u64': return { type, value: cursor.u64(key) };
    case 'i64': return { type, value: cursor.i64(key) };
    case 'bool': {
      const b = cursor.u8(key);
      if (b > 1) throw new GgufError(`metadata ${key} has invalid bool byte ${b}`);
      return { type, value: b === 1 };
    }
    case 'string': return { type, value: cursor.string(key, limits.maxStringBytes) };
  }
}

function readArray(cursor: Cursor, key: string, limits: GgufReadLimits, depth: number): GgufArray {
  if (depth > limits.maxArrayDepth) throw new GgufError(`metadata ${key} nests arrays deeper than ${limits.maxArrayDepth}`);
  const itemTypeId = cursor.u32(`item type of ${key}`);
  const itemType = valueTypeName(itemTypeId);
  if (itemType === undefined) throw new GgufError(`metadata ${key} has unknown array item type ${itemTypeId}`);
  const length = cursor.count(`length of ${key}`, limits.maxArrayLength);
  // Every item takes at least this many bytes, so a length the file cannot hold is rejected up front.
  const minItemBytes = itemType === 'string' || itemType === 'array' ? 8 : GGUF_FIXED_SIZES[itemType];
  if (length * minItemBytes > cursor.remaining) {
    throw new GgufError(`file is truncated: array ${key} of ${length} items does not fit in the ${cursor.remaining} bytes left`);
  }
  switch (itemType) {
    case 'array': {
      const value: GgufArray[] = [];
      for (let i = 0; i < length; i++) value.push(readArray(cursor, key, limits, depth + 1));
      return { type: 'array', itemType, value };
    }
    case 'string': {
      const value: string[] = new Array<string>(length);
      for (let i = 0; i < length; i++) value[i] = cursor.string(key, limits.maxStringBytes);
      return { type: 'array', itemType, value };
    }
    case 'bool': {
      const bytes = cursor.take(length, key);
      const value: boolean[] = new Array<boolean>(length);
      for (let i = 0; i < length; i++) {
        const b = bytes[i] ?? 0;
        if (b > 1) throw new GgufError(`metadata ${key}[${i}] has invalid bool byte ${b}`);
        value[i] = b === 1;
      }
      return { type: 'array', itemType, value };
    }
    case 'u64':
    case 'i64': {
      const view = viewOf(cursor.take(length * 8, key));
      const value: bigint[] = new Array<bigint>(length);
      for (let i = 0; i < length; i++) value[i] = itemType === 'u64' ? view.getBigUint64(i * 8, true) : view.getBigInt64(i * 8, true);
      return { type: 'array', itemType, value };
    }
    default: {
      const size = GGUF_FIXED_SIZES[itemType];
      const view = viewOf(cursor.take(length * size, key));
      const get = numberGetter(view, itemType);
      const value: number[] = new Array<number>(length);
      for (let i = 0; i < length; i++) value[i] = get(i * size);
      return { type: 'array', itemType, value };
    }
  }
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function numberGetter(view: DataView, type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64'): (offset: number) => number {
  switch (type) {
    case 'u8': return (o) => view.getUint8(o);
    case 'i8': return (o) => view.getInt8(o);
    case 'u16': return (o) => view.getUint16(o, true);
    case 'i16': return (o) => view.getInt16(o, true);
    case 'u32': return (o) => view.getUint32(o, true);
    case 'i32': return (o) => view.getInt32(o, true);
    case 'f32': return (o) => view.getFloat32(o, true);
    case 'f64': return (o) => view.getFloat64(o, true);
  }
}
