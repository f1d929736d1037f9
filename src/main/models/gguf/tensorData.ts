import { fileSource } from './byteSource.js';
import { fromFloat16Bits } from './float16.js';
import { GGML_TYPE_F16, GGML_TYPE_F32, GgufError, type GgufFile, type GgufTensorInfo } from './ggufTypes.js';

/** Reads one F32 or F16 tensor of a parsed GGUF file as float32 values (ggml order). */
export function readTensorF32(path: string, file: GgufFile, tensor: GgufTensorInfo): Float32Array {
  if (tensor.type !== GGML_TYPE_F32 && tensor.type !== GGML_TYPE_F16) {
    throw new GgufError(`tensor ${tensor.name}: only F32 and F16 data can be read`);
  }
  const source = fileSource(path);
  try {
    const start = file.dataOffset + tensor.offset;
    if (start + tensor.byteSize > source.size) throw new GgufError(`file is truncated: tensor ${tensor.name}`);
    const bytes = source.read(start, tensor.byteSize);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const isF32 = tensor.type === GGML_TYPE_F32;
    const out = new Float32Array(tensor.byteSize / (isF32 ? 4 : 2));
    for (let i = 0; i < out.length; i++) {
      out[i] = isF32 ? view.getFloat32(i * 4, true) : fromFloat16Bits(view.getUint16(i * 2, true));
    }
    return out;
  } finally {
    source.close();
  }
}
