import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, QwenChatWrapper, resolveChatWrapper, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNumber, getString, getStringArray, readGgufFile, readTensorF32 } from './gguf/index.js';
import { offsetAttentionBiases, QWEN_ADDED_TOKENS, writeTinyQwen2Model } from './tinyModel.js';
import { mulberry32 } from '../../shared/mulberry32.js';

const dir = mkdtempSync(join(tmpdir(), 'tiny-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shape = { layers: 2, embd: 64, heads: 4, kvHeads: 2, ff: 128, seed: 1 };

describe('writeTinyQwen2Model', () => {
  const path = join(dir, 'tiny.gguf');
  let info: ReturnType<typeof writeTinyQwen2Model>;
  beforeAll(() => {
    info = writeTinyQwen2Model(path, shape);
  }, 60_000);

  it('writes the tensors llama.cpp expects for qwen2, with the real tokenizer and template', () => {
    const file = readGgufFile(path);
    const meta = file.metadata;
    expect(getString(meta, 'general.architecture')).toBe('qwen2');
    expect(getNumber(meta, 'qwen2.block_count')).toBe(2);
    expect(getNumber(meta, 'qwen2.context_length')).toBe(512);
    expect(getString(meta, 'tokenizer.ggml.model')).toBe('gpt2');
    expect(getString(meta, 'tokenizer.chat_template')).toContain('<tool_call>');
    expect(info.nVocab).toBe(151936);
    const shapes = Object.fromEntries(file.tensors.map((t) => [t.name, t.dims]));
    expect(shapes['token_embd.weight']).toEqual([64, 151936]);
    expect(shapes['output.weight']).toEqual([64, 151936]);
    expect(shapes['blk.1.attn_q.weight']).toEqual([64, 64]);
    expect(shapes['blk.1.attn_k.weight']).toEqual([64, 32]); // head_dim 16 x 2 kv heads
    expect(shapes['blk.1.attn_v.bias']).toEqual([32]);
    expect(shapes['blk.0.ffn_down.weight']).toEqual([128, 64]);
    expect(file.tensors).toHaveLength(1 + 2 * 12 + 2);
  });

  it('can tie the output head to the embeddings', () => {
    const tied = join(dir, 'tied.gguf');
    writeTinyQwen2Model(tied, { ...shape, layers: 1, tiedOutput: true, ropeFreqBase: 10_000, outputNormWeight: 10 });
    const file = readGgufFile(tied);
    const byName = new Map(file.tensors.map((t) => [t.name, t]));
    const bytes = readFileSync(tied);
    const region = (name: string) => {
      const t = byName.get(name)!;
      return bytes.subarray(file.dataOffset + t.offset, file.dataOffset + t.offset + t.byteSize);
    };
    expect(region('output.weight').equals(region('token_embd.weight'))).toBe(true);
    expect(Array.from(readTensorF32(tied, file, byName.get('output_norm.weight')!))).toEqual(new Array(64).fill(10));
    expect(getNumber(file.metadata, 'qwen2.rope.freq_base')).toBe(10_000);
  }, 60_000);

  it('can share the head with the embeddings (no output.weight), as small Qwen models do', () => {
    const shared = join(dir, 'shared.gguf');
    const sharedInfo = writeTinyQwen2Model(shared, { ...shape, layers: 1, sharedOutput: true });
    const names = readGgufFile(shared).tensors.map((t) => t.name);
    expect(names).toContain('token_embd.weight');
    expect(names).not.toContain('output.weight');
    // embeddings; q/o and k/v matrices; q/k/v biases; two norms; FFN; output norm
    expect(sharedInfo.nParams).toBe(64 * 151936 + (2 * 64 * 64 + 2 * 64 * 32) + (64 + 32 + 32) + 2 * 64 + 3 * 64 * 128 + 64);
  }, 60_000);

  it('has the added tokens of real Qwen2.5/Qwen3 GGUFs at their real ids, tokenized as one token each', async () => {
    const tokens = getStringArray(readGgufFile(path, { metadataOnly: true }).metadata, 'tokenizer.ggml.tokens');
    const expected: Array<[number, string]> = [[151643, '<|endoftext|>'], [151644, '<|im_start|>'], [151645, '<|im_end|>'], [151646, '<|object_ref_start|>'],
      [151656, '<|video_pad|>'], [151657, '<tool_call>'], [151658, '</tool_call>'], [151659, '<|fim_prefix|>'], [151664, '<|file_sep|>'],
      [151665, '<tool_response>'], [151666, '</tool_response>'], [151667, '<think>'], [151668, '</think>']];
    for (const [id, text] of expected) expect(tokens[id], `id ${id}`).toBe(text);
    expect(tokens[151669]).toBe('[PAD151669]');
    expect(QWEN_ADDED_TOKENS).toHaveLength(151668 - 151646 + 1);
    const llama = await getLlama({ gpu: false, build: 'never' });
    try {
      const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
      // user-defined tokens are one token even in plain text, as with the real tokenizers
      expect(model.tokenize('<tool_call>\n{"name"')[0]).toBe(151657);
      expect(model.tokenize('</tool_call>')).toEqual([151658]);
      expect(model.tokenize('<think>ok</think>').filter((t) => t >= 151643)).toEqual([151667, 151668]);
      // control tokens only when special tokens are parsed
      expect(model.tokenize('<|im_start|>', true)).toEqual([151644]);
      expect(model.tokenize('<|im_start|>').length).toBeGreaterThan(1);
      expect(model.tokenize('<|fim_prefix|>', true)).toEqual([151659]);
      expect(model.tokenize('<|fim_prefix|>').length).toBeGreaterThan(1);
    } finally {
      await llama.dispose();
    }
  }, 60_000);

  it('is deterministic in the seed', () => {
    const again = join(dir, 'again.gguf');
    const other = join(dir, 'other.gguf');
    writeTinyQwen2Model(again, shape);
    writeTinyQwen2Model(other, { ...shape, seed: 2 });
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
    expect(readFileSync(other).equals(readFileSync(path))).toBe(false);
  }, 60_000);

  it('rejects impossible shapes', () => {
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...shape, heads: 3 })).toThrow(/multiple of heads/);
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...shape, kvHeads: 3 })).toThrow(/kv-heads/);
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...shape, tiedOutput: true, sharedOutput: true })).toThrow(/exclude each other/);
    const copy = { offsets: [3, 3, 3, 3], strength: 0.1 };
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...shape, fixedAttention: [copy] })).toThrow(/kvHeads = heads/);
    const square = { ...shape, kvHeads: 4 };
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...square, fixedAttention: [copy, copy, copy] })).toThrow(/more layers/);
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...square, fixedAttention: [{ ...copy, offsets: [3] }] })).toThrow(/one offset per head/);
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...square, fixedAttention: [{ ...copy, offsets: [0, 1, 2, 3] }] })).toThrow(/integers in \[1, 511\]/);
    expect(() => writeTinyQwen2Model(join(dir, 'x.gguf'), { ...square, fixedAttention: [{ ...copy, strength: 0 }] })).toThrow(/strength/);
  });

  it('fixed-offset q/k biases single out their distance under NEOX RoPE, with a 40-logit margin', () => {
    // Independent re-implementation of llama.cpp's NEOX rotation: pair (i, i + d/2), angle pos * base^(-2i/d).
    const rope = (x: Float32Array, pos: number, base: number) => {
      const half = x.length / 2;
      const out = new Float64Array(x.length);
      for (let i = 0; i < half; i++) {
        const angle = pos * Math.pow(base, (-2 * i) / x.length);
        out[i] = x[i]! * Math.cos(angle) - x[i + half]! * Math.sin(angle);
        out[i + half] = x[i]! * Math.sin(angle) + x[i + half]! * Math.cos(angle);
      }
      return out;
    };
    for (const [headDim, base, offset] of [[16, 10_000, 25], [16, 1_000_000, 1], [32, 10_000, 7], [64, 100, 60]] as const) {
      const ctx = 256;
      const { q, k } = offsetAttentionBiases(headDim, base, offset, ctx);
      const query = ctx - 1;
      const rq = rope(q, query, base);
      const scores = Array.from({ length: query + 1 }, (_, key) => {
        const rk = rope(k, key, base);
        return rq.reduce((sum, v, i) => sum + v * rk[i]!, 0) / Math.sqrt(headDim);
      });
      const target = query - offset;
      const runnerUp = Math.max(...scores.filter((_, key) => key !== target));
      expect(scores[target]! - runnerUp, `head dim ${headDim}, base ${base}, offset ${offset}`).toBeGreaterThan(39.9);
    }
  });

  it('loads in node-llama-cpp, resolves the Qwen wrapper and generates tokens', async () => {
    const llama = await getLlama({ gpu: false, build: 'never' });
    try {
      const model = await llama.loadModel({ modelPath: path });
      expect(resolveChatWrapper(model)).toBeInstanceOf(QwenChatWrapper);
      const context = await model.createContext({ contextSize: 256 });
      const sequence = context.getSequence();
      const generated: number[] = [];
      for await (const token of sequence.evaluate(model.tokenize('Hello'), { temperature: 0 })) {
        generated.push(token);
        if (generated.length === 5) break;
      }
      expect(generated).toHaveLength(5);
    } finally {
      await llama.dispose();
    }
  }, 60_000);

  it('a fixed-attention copy layer makes the untrained model predict the token `offset` positions back', async () => {
    const copyModel = join(dir, 'copy.gguf');
    writeTinyQwen2Model(copyModel, { ...shape, kvHeads: 4, layers: 1, tiedOutput: true, outputNormWeight: 25, fixedAttention: [{ offsets: [5, 5, 5, 5], strength: 0.1 }] });
    const llama = await getLlama({ gpu: false, build: 'never' });
    try {
      const model = await llama.loadModel({ modelPath: copyModel });
      const context = await model.createContext({ contextSize: 64, threads: 1 });
      const sequence = context.getSequence();
      const rand = mulberry32(9);
      let copied = 0;
      for (let trial = 0; trial < 10; trial++) {
        const prompt = Array.from({ length: 20 }, () => 1000 + Math.floor(rand() * 90_000)) as Token[];
        await sequence.clearHistory();
        for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
          if (token === prompt[prompt.length - 1 - 5]) copied++;
          break;
        }
      }
      expect(copied).toBe(10);
    } finally {
      await llama.dispose();
    }
  }, 60_000);
});
