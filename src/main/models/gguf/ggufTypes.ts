/**
 * GGUF data model shared by the reader and the writer.
 *
 * Spec: ggml/docs/gguf.md in the llama.cpp source bundled with node-llama-cpp. All multi-byte
 * values are little-endian (version 3 also allows big-endian files; we refuse those).
 */

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS: a tensor info with more dimensions is malformed. */
export const GGUF_MAX_DIMS = 4;

/** Every problem with a GGUF file surfaces as this error, never as a RangeError or a crash. */
export class GgufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GgufError';
  }
}

/** Metadata value types with their on-disk type ids (gguf_type in gguf.h). */
export const GGUF_VALUE_TYPE_IDS = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE_IDS;
export type GgufNumberType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
export type GgufBigIntType = 'u64' | 'i64';

export type GgufScalar =
  | { type: GgufNumberType; value: number }
  | { type: GgufBigIntType; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string };

/** Arrays are homogeneous; nested arrays are allowed by the format (rare in practice). */
export type GgufArray =
  | { type: 'array'; itemType: GgufNumberType; value: number[] }
  | { type: 'array'; itemType: GgufBigIntType; value: bigint[] }
  | { type: 'array'; itemType: 'bool'; value: boolean[] }
  | { type: 'array'; itemType: 'string'; value: string[] }
  | { type: 'array'; itemType: 'array'; value: GgufArray[] };

export type GgufValue = GgufScalar | GgufArray;

/** Byte size of fixed-size metadata value types (strings and arrays are variable). */
export const GGUF_FIXED_SIZES: Record<GgufNumberType | GgufBigIntType | 'bool', number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

export function valueTypeName(id: number): GgufValueTypeName | undefined {
  for (const [name, typeId] of Object.entries(GGUF_VALUE_TYPE_IDS)) {
    if (typeId === id) return name as GgufValueTypeName;
  }
  return undefined;
}

/**
 * ggml tensor types known to the llama.cpp we build against: block size (elements) and block
 * byte size (ggml.c type_traits). Needed to validate that a tensor's data fits in the file.
 */
export const GGML_TYPES: Readonly<Record<number, { name: string; blockSize: number; typeSize: number }>> = {
  0: { name: 'F32', blockSize: 1, typeSize: 4 },
  1: { name: 'F16', blockSize: 1, typeSize: 2 },
  2: { name: 'Q4_0', blockSize: 32, typeSize: 18 },
  3: { name: 'Q4_1', blockSize: 32, typeSize: 20 },
  6: { name: 'Q5_0', blockSize: 32, typeSize: 22 },
  7: { name: 'Q5_1', blockSize: 32, typeSize: 24 },
  8: { name: 'Q8_0', blockSize: 32, typeSize: 34 },
  9: { name: 'Q8_1', blockSize: 32, typeSize: 36 },
  10: { name: 'Q2_K', blockSize: 256, typeSize: 84 },
  11: { name: 'Q3_K', blockSize: 256, typeSize: 110 },
  12: { name: 'Q4_K', blockSize: 256, typeSize: 144 },
  13: { name: 'Q5_K', blockSize: 256, typeSize: 176 },
  14: { name: 'Q6_K', blockSize: 256, typeSize: 210 },
  15: { name: 'Q8_K', blockSize: 256, typeSize: 292 },
  16: { name: 'IQ2_XXS', blockSize: 256, typeSize: 66 },
  17: { name: 'IQ2_XS', blockSize: 256, typeSize: 74 },
  18: { name: 'IQ3_XXS', blockSize: 256, typeSize: 98 },
  19: { name: 'IQ1_S', blockSize: 256, typeSize: 50 },
  20: { name: 'IQ4_NL', blockSize: 32, typeSize: 18 },
  21: { name: 'IQ3_S', blockSize: 256, typeSize: 110 },
  22: { name: 'IQ2_S', blockSize: 256, typeSize: 82 },
  23: { name: 'IQ4_XS', blockSize: 256, typeSize: 136 },
  24: { name: 'I8', blockSize: 1, typeSize: 1 },
  25: { name: 'I16', blockSize: 1, typeSize: 2 },
  26: { name: 'I32', blockSize: 1, typeSize: 4 },
  27: { name: 'I64', blockSize: 1, typeSize: 8 },
  28: { name: 'F64', blockSize: 1, typeSize: 8 },
  29: { name: 'IQ1_M', blockSize: 256, typeSize: 56 },
  30: { name: 'BF16', blockSize: 1, typeSize: 2 },
  34: { name: 'TQ1_0', blockSize: 256, typeSize: 54 },
  35: { name: 'TQ2_0', blockSize: 256, typeSize: 66 },
  39: { name: 'MXFP4', blockSize: 32, typeSize: 17 },
  40: { name: 'NVFP4', blockSize: 64, typeSize: 36 },
  41: { name: 'Q1_0', blockSize: 128, typeSize: 18 },
  42: { name: 'Q2_0', blockSize: 64, typeSize: 18 },
};

export const GGML_TYPE_F32 = 0;
export const GGML_TYPE_F16 = 1;

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the contiguous (fastest-varying) dimension. */
  dims: number[];
  /** ggml_type id; see GGML_TYPES. */
  type: number;
  /** Offset of the data relative to the start of the tensor-data section. */
  offset: number;
  /** Bytes of tensor data (without alignment padding). */
  byteSize: number;
}

export interface GgufFile {
  version: number;
  /** Key order is preserved as in the file. */
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset of the tensor-data section. */
  dataOffset: number;
  fileSize: number;
}

/** Byte size of a tensor of `type` with `dims`, or a GgufError for malformed shapes. */
export function tensorByteSize(type: number, dims: readonly number[]): number {
  const traits = GGML_TYPES[type];
  if (!traits) throw new GgufError(`unknown ggml tensor type ${type}`);
  const [first = 1] = dims;
  if (first % traits.blockSize !== 0) {
    throw new GgufError(`tensor row of ${first} elements is not a multiple of ${traits.name}'s block size ${traits.blockSize}`);
  }
  let bytes = (first / traits.blockSize) * traits.typeSize;
  for (let i = 1; i < dims.length; i++) bytes *= dims[i] ?? 1;
  if (!Number.isSafeInteger(bytes)) throw new GgufError('tensor byte size overflows');
  return bytes;
}

/** Typed accessors for metadata: they throw GgufError when a key is missing or has another type. */
export function getString(meta: ReadonlyMap<string, GgufValue>, key: string): string {
  const v = meta.get(key);
  if (v?.type !== 'string') throw new GgufError(`metadata ${key} is missing or not a string`);
  return v.value;
}

export function getOptionalString(meta: ReadonlyMap<string, GgufValue>, key: string): string | undefined {
  const v = meta.get(key);
  return v?.type === 'string' ? v.value : undefined;
}

export function getStringArray(meta: ReadonlyMap<string, GgufValue>, key: string): string[] {
  const v = meta.get(key);
  if (v?.type !== 'array' || v.itemType !== 'string') throw new GgufError(`metadata ${key} is missing or not a string array`);
  return v.value;
}

export function getNumber(meta: ReadonlyMap<string, GgufValue>, key: string): number {
  const v = meta.get(key);
  if (v === undefined || v.type === 'array' || v.type === 'string' || v.type === 'bool') {
    throw new GgufError(`metadata ${key} is missing or not a number`);
  }
  return Number(v.value);
}
