export * from './ggufTypes.js';
export { readGguf, readGgufBytes, readGgufFile, DEFAULT_GGUF_READ_LIMITS } from './ggufReader.js';
export type { GgufReadLimits, GgufReadOptions } from './ggufReader.js';
export { GgufWriter } from './ggufWriter.js';
export type { TensorToWrite, WritableTensorType } from './ggufWriter.js';
export { readTensorF32 } from './tensorData.js';
export { fromFloat16Bits, toFloat16Bits } from './float16.js';
export type { ByteSource } from './byteSource.js';
