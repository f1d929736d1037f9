import { GgufWriter, readGgufFile } from '../../src/main/models/gguf/index.js';

/**
 * A random LoRA (A and B small random values: a real merge, a real runtime adapter) for every attention and FFN
 * matrix of `base`, for benchmarks where the values do not change the work measured.
 */
export function writeRandomAdapter(base: string, out: string, rank: number): void {
  const w = new GgufWriter();
  w.setString('general.architecture', 'qwen2');
  w.setString('general.type', 'adapter');
  w.setString('adapter.type', 'lora');
  w.setF32('adapter.lora.alpha', rank * 2);
  let seed = 1;
  const random = (n: number) => {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5) * 0.02;
    return data;
  };
  for (const t of readGgufFile(base).tensors) {
    if (!/^blk\.\d+\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down)\.weight$/.test(t.name)) continue;
    const [inputs = 0, outputs = 0] = t.dims;
    w.addTensor({ name: `${t.name}.lora_a`, dims: [inputs, rank], type: 'F32', data: () => random(inputs * rank) });
    w.addTensor({ name: `${t.name}.lora_b`, dims: [rank, outputs], type: 'F32', data: () => random(rank * outputs) });
  }
  w.writeFile(out);
}
