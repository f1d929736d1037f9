/**
 * Deterministic random-weight Qwen2-architecture GGUFs for tests, demos and benchmarks: tiny ones, and real
 * shapes (`QWEN25_05B_SHAPE`) for checks of depth, size and memory.
 *
 * Weights are random from a seed; the tokenizer (Qwen2 BPE, 151,936 tokens) and the Qwen2.5 chat
 * template are the real ones, taken offline from the llama.cpp source bundle that ships inside
 * node-llama-cpp. Runtimes therefore treat the file like a real Qwen2.5 model: node-llama-cpp
 * resolves its `QwenChatWrapper` with function calling, llama.cpp tokenizes real text.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GgufWriter, getString, readGgufFile, type GgufValue, type WritableTensorType } from './gguf/index.js';
import { mulberry32 } from '../../shared/mulberry32.js';

export const QWEN2_VOCAB_PATH = 'models/ggml-vocab-qwen2.gguf';
export const QWEN25_TEMPLATE_PATH = 'models/templates/Qwen-Qwen2.5-7B-Instruct.jinja';
/** The files of the llama.cpp source the app itself needs (the demo base): shipped in `resources/llama/`. */
export const LLAMA_RESOURCE_FILES = [QWEN2_VOCAB_PATH, QWEN25_TEMPLATE_PATH] as const;

/** Qwen2.5-Instruct GGUFs end a turn with <|im_end|>; the vocab-only file says <|endoftext|>. */
const IM_END_TOKEN = '<|im_end|>';
const ENDOFTEXT_TOKEN = '<|endoftext|>';

/** GGUF token types (llama.cpp's llama_token_type). */
const TOKEN_TYPE_CONTROL = 3;
const TOKEN_TYPE_USER_DEFINED = 4;

/**
 * The added tokens real Qwen2.5 and Qwen3 GGUFs have after <|im_end|> (151645), at their real ids; the bundled
 * vocab-only file has `[PAD…]` placeholders there. llama.cpp's converter types an added token CONTROL when it is
 * special or looks like `<|…|>`, else USER_DEFINED: so `<tool_call>`, `<tool_response>` and `<think>` (and their
 * closing tags) are user-defined and always one token, even in plain text, as with the real tokenizers. Ids
 * 151665-151668 are Qwen3's.
 */
export const QWEN_ADDED_TOKENS: ReadonlyArray<{ id: number; text: string; type: number }> = [
  '<|object_ref_start|>', '<|object_ref_end|>', '<|box_start|>', '<|box_end|>', '<|quad_start|>', '<|quad_end|>',
  '<|vision_start|>', '<|vision_end|>', '<|vision_pad|>', '<|image_pad|>', '<|video_pad|>', '<tool_call>', '</tool_call>',
  '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>',
  '<tool_response>', '</tool_response>', '<think>', '</think>',
].map((text, i) => ({ id: 151646 + i, text, type: /^<\|.*\|>$/.test(text) ? TOKEN_TYPE_CONTROL : TOKEN_TYPE_USER_DEFINED }));

/** Qwen2.5's RoPE base. */
const DEFAULT_ROPE_BASE = 1_000_000;

export interface TinyModelOptions {
  layers: number;
  embd: number;
  heads: number;
  kvHeads: number;
  ff: number;
  seed: number;
  /** Context length written to the metadata. Default 512. */
  ctx?: number;
  /** Weight type of the 2-D matrices. Norms and biases stay F32 like llama.cpp's converters. Default F32 (trainable). */
  weightType?: WritableTensorType;
  /**
   * Value of every `output_norm.weight` entry. Default 1. With N(0, 0.02) head rows the logits of a
   * 64-wide model can only span about +-1.3, far too flat for a 152k-token softmax to ever become
   * confident: a gain of ~10 gives the head a usable range without training it.
   */
  outputNormWeight?: number;
  /** RoPE base frequency. Default 1e6 as in Qwen2.5; a smaller base gives sharper positional attention. */
  ropeFreqBase?: number;
  /** Standard deviation of the random matrices. Default 0.02 (GPT-2 style). */
  initStd?: number;
  /**
   * Write `output.weight` as an exact copy of `token_embd.weight` (a tied head that is still a separate,
   * trainable tensor). A tied head makes copying an input token to the output natural, which tiny
   * models need to learn tool calls with arguments taken from the user turn. Default false.
   */
  tiedOutput?: boolean;
  /**
   * Builds the first layers as fixed-offset attention instead of random weights: in layer i, head h
   * attends to the token `offsets[h]` positions back and moves its slice of that token's (normalised)
   * residual, scaled by `strength`, into the residual stream. With every head at the same offset a layer
   * copies whole embeddings; with offsets 1, 2, 3, ... it gives each position its preceding tokens.
   * These stand in for the copy and previous-token heads a pretrained model brings along, which a tiny
   * random model cannot grow within a test's minutes (docs/tiny-models.md). Needs kvHeads = heads.
   */
  fixedAttention?: FixedAttentionLayer[];
  /**
   * Leave `output.weight` out: the head reuses `token_embd.weight`, as in Qwen2.5-0.5B/1.5B and Qwen3-0.6B
   * (tie_word_embeddings). An adapter cannot target `output` then. Default false (a separate head).
   */
  sharedOutput?: boolean;
  /** Where extracted llama.cpp source files are cached. Default `<repo>/.cache`. */
  cacheDir?: string;
  name?: string;
}

/** The shape of Qwen2.5-0.5B(-Instruct): 494 M parameters, head shared with the embeddings. */
export const QWEN25_05B_SHAPE = {
  layers: 24, embd: 896, heads: 14, kvHeads: 2, ff: 4864, ctx: 32_768, sharedOutput: true, name: 'tooltune-qwen2.5-0.5b-shape',
} as const satisfies Omit<TinyModelOptions, 'seed'>;

export interface FixedAttentionLayer {
  /** Per head: distance from the attending position back to the attended token (>= 1). */
  offsets: number[];
  /** Scale of the attended tokens' normalised residual written back into the residual stream. */
  strength: number;
}

export interface TinyModelInfo {
  path: string;
  nVocab: number;
  nParams: number;
  bytes: number;
}

/**
 * Writes a tiny Qwen2 GGUF to `outPath`. Same options + same bundle => byte-identical file.
 * Tensor names and shapes follow llama.cpp's Qwen2 loader (src/models/qwen2.cpp), including the
 * q/k/v biases; `output.weight` is a separate (untied) tensor so an adapter can target it.
 */
export function writeTinyQwen2Model(outPath: string, options: TinyModelOptions): TinyModelInfo {
  const { layers, embd, heads, kvHeads, ff, seed } = options;
  validateShape(options);
  const ctx = options.ctx ?? 512;
  const weightType = options.weightType ?? 'F32';
  const std = options.initStd ?? 0.02;
  const headDim = embd / heads;
  const kvDim = headDim * kvHeads;

  const vocab = readGgufFile(extractLlamaSourceFile(QWEN2_VOCAB_PATH, options.cacheDir), { metadataOnly: true }).metadata;
  const template = readFileSync(extractLlamaSourceFile(QWEN25_TEMPLATE_PATH, options.cacheDir), 'utf8');
  const { tokens, types } = qwenVocabulary(vocab);
  const nVocab = tokens.length;
  const imEnd = tokens.indexOf(IM_END_TOKEN);
  const endOfText = tokens.indexOf(ENDOFTEXT_TOKEN);
  if (imEnd < 0 || endOfText < 0) throw new Error('vocab GGUF lacks Qwen special tokens');

  const w = new GgufWriter();
  w.setString('general.architecture', 'qwen2');
  w.setString('general.name', options.name ?? `tooltune-tiny-qwen2-l${layers}-e${embd}-s${seed}`);
  w.setU32('general.file_type', weightType === 'F32' ? 0 : 1);
  w.setU32('qwen2.block_count', layers);
  w.setU32('qwen2.context_length', ctx);
  w.setU32('qwen2.embedding_length', embd);
  w.setU32('qwen2.feed_forward_length', ff);
  w.setU32('qwen2.attention.head_count', heads);
  w.setU32('qwen2.attention.head_count_kv', kvHeads);
  w.setF32('qwen2.rope.freq_base', options.ropeFreqBase ?? DEFAULT_ROPE_BASE);
  w.setF32('qwen2.attention.layer_norm_rms_epsilon', 1e-6);
  for (const key of ['tokenizer.ggml.model', 'tokenizer.ggml.pre', 'tokenizer.ggml.merges']) {
    const value = vocab.get(key);
    if (value === undefined) throw new Error(`vocab GGUF lacks ${key}`);
    w.set(key, value);
  }
  w.set('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens });
  w.set('tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: types });
  w.setU32('tokenizer.ggml.eos_token_id', imEnd);
  w.setU32('tokenizer.ggml.padding_token_id', endOfText);
  w.setU32('tokenizer.ggml.bos_token_id', endOfText);
  w.setBool('tokenizer.ggml.add_bos_token', false);
  w.setString('tokenizer.chat_template', template);

  let nParams = 0;
  const random = (name: string) => (n: number) => gaussian(n, std, seedFor(seed, name));
  const matrix = (name: string, dims: number[], values: (n: number) => Float32Array = random(name)) => {
    nParams += dims[0]! * dims[1]!;
    w.addTensor({ name, dims, type: weightType, data: () => values(dims[0]! * dims[1]!) });
  };
  const vector = (name: string, n: number, values: (n: number) => Float32Array = random(name)) => {
    nParams += n;
    w.addTensor({ name, dims: [n], type: 'F32', data: () => values(n) });
  };
  const filled = (value: number) => (n: number) => new Float32Array(n).fill(value);
  const ropeBase = options.ropeFreqBase ?? DEFAULT_ROPE_BASE;
  const fixed = (options.fixedAttention ?? []).map((layer) => fixedAttentionTensors(layer, embd, heads, ropeBase, ctx));

  matrix('token_embd.weight', [embd, nVocab]);
  for (let i = 0; i < layers; i++) {
    const p = `blk.${i}.`;
    const c = fixed[i];
    vector(`${p}attn_norm.weight`, embd, filled(1));
    matrix(`${p}attn_q.weight`, [embd, embd], c?.zero);
    vector(`${p}attn_q.bias`, embd, c?.qBias);
    matrix(`${p}attn_k.weight`, [embd, kvDim], c?.zero);
    vector(`${p}attn_k.bias`, kvDim, c?.kBias);
    matrix(`${p}attn_v.weight`, [embd, kvDim], c?.value);
    vector(`${p}attn_v.bias`, kvDim);
    matrix(`${p}attn_output.weight`, [embd, embd], c?.output);
    vector(`${p}ffn_norm.weight`, embd, filled(1));
    matrix(`${p}ffn_gate.weight`, [embd, ff]);
    matrix(`${p}ffn_up.weight`, [embd, ff]);
    matrix(`${p}ffn_down.weight`, [ff, embd]);
  }
  vector('output_norm.weight', embd, filled(options.outputNormWeight ?? 1));
  if (!options.sharedOutput) matrix('output.weight', [embd, nVocab], random(options.tiedOutput ? 'token_embd.weight' : 'output.weight'));

  mkdirSync(dirname(resolve(outPath)), { recursive: true });
  w.writeFile(outPath);
  // stat, not read: an F32 model of real size is larger than the 2 GiB a Node buffer can hold
  return { path: outPath, nVocab, nParams, bytes: statSync(outPath).size };
}

/** The bundled Qwen2 vocabulary with the real added tokens of Qwen2.5/Qwen3 in place of its placeholders. */
export function qwenVocabulary(vocab: Map<string, GgufValue>): { tokens: string[]; types: number[] } {
  const tokens = vocab.get('tokenizer.ggml.tokens');
  const types = vocab.get('tokenizer.ggml.token_type');
  if (tokens?.type !== 'array' || tokens.itemType !== 'string') throw new Error('vocab GGUF has no token list');
  if (types?.type !== 'array' || types.itemType !== 'i32' || types.value.length !== tokens.value.length) throw new Error('vocab GGUF has no token types');
  const out = { tokens: [...tokens.value], types: [...types.value] };
  for (const { id, text, type } of QWEN_ADDED_TOKENS) {
    if (out.tokens[id] !== `[PAD${id}]`) throw new Error(`vocab GGUF has ${JSON.stringify(out.tokens[id])} at id ${id}, expected a placeholder`);
    out.tokens[id] = text;
    out.types[id] = type;
  }
  return out;
}

function validateShape(o: TinyModelOptions): void {
  const positive = { layers: o.layers, embd: o.embd, heads: o.heads, kvHeads: o.kvHeads, ff: o.ff };
  for (const [k, v] of Object.entries(positive)) {
    if (!Number.isInteger(v) || v <= 0 || v > 65536) throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  if (o.embd % o.heads !== 0) throw new Error('embd must be a multiple of heads');
  if (o.tiedOutput && o.sharedOutput) throw new Error('tiedOutput (a copy of the embeddings as output.weight) and sharedOutput (no output.weight) exclude each other');
  if (o.heads % o.kvHeads !== 0) throw new Error('heads must be a multiple of kv-heads');
  const fixed = o.fixedAttention ?? [];
  if (fixed.length > 0 && o.kvHeads !== o.heads) throw new Error('fixedAttention needs kvHeads = heads');
  if (fixed.length > o.layers) throw new Error('fixedAttention has more layers than the model');
  const ctx = o.ctx ?? 512;
  for (const [i, layer] of fixed.entries()) {
    if (layer.offsets.length !== o.heads) throw new Error(`fixedAttention[${i}].offsets needs one offset per head (${o.heads})`);
    if (!layer.offsets.every((d) => Number.isInteger(d) && d >= 1 && d < ctx)) throw new Error(`fixedAttention[${i}].offsets must be integers in [1, ${ctx - 1}]`);
    if (!(layer.strength > 0)) throw new Error(`fixedAttention[${i}].strength must be positive`);
  }
  if ((o.embd / o.heads) % 2 !== 0) throw new Error('head dimension (embd/heads) must be even for RoPE');
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error('seed must be a non-negative integer');
}

/**
 * Score margin (in logits) of a fixed-offset head's target position over every other position. Wide on
 * purpose: a LoRA on attn_q/attn_k also moves these heads' scores, and must not knock them off target.
 */
const FIXED_ATTENTION_MARGIN = 40;

/**
 * Tensors of one fixed-attention layer: zero q/k weights (attention depends on position only), q/k biases
 * from `offsetAttentionBiases` per head, identity value, identity output scaled by `strength`.
 */
function fixedAttentionTensors(layer: FixedAttentionLayer, embd: number, heads: number, ropeBase: number, ctx: number) {
  const headDim = embd / heads;
  const biases = layer.offsets.map((offset) => offsetAttentionBiases(headDim, ropeBase, offset, ctx));
  const perHead = (pick: (b: { q: Float32Array; k: Float32Array }) => Float32Array) => () => {
    const out = new Float32Array(embd);
    biases.forEach((b, h) => out.set(pick(b), h * headDim));
    return out;
  };
  const identity = (scale: number) => (n: number) => {
    const m = new Float32Array(n);
    for (let i = 0; i < embd; i++) m[i * embd + i] = scale; // square matrix: ne0 = ne1 = embd
    return m;
  };
  return {
    zero: (n: number) => new Float32Array(n),
    qBias: perHead((b) => b.q),
    kBias: perHead((b) => b.k),
    value: identity(1),
    output: identity(layer.strength),
  };
}

/**
 * q/k biases of one head whose attention score, after llama.cpp's NEOX RoPE (pair i = dims i and
 * i + headDim/2, angle position * base^(-2i/headDim)), is largest at distance `offset`. With
 * q_i = a_i e^(-j theta_i offset) and k_i = a_i as complex pairs, score(d) = sum a_i^2 cos(theta_i (d - offset)).
 * Amplitudes a_i^2 ~ theta_i^p favour the sharp high frequencies; p is picked for the widest worst-case
 * margin over all distances the context allows, then everything is scaled to FIXED_ATTENTION_MARGIN logits
 * (attention scores are multiplied by 1/sqrt(headDim)).
 */
export function offsetAttentionBiases(headDim: number, ropeBase: number, offset: number, ctx: number): { q: Float32Array; k: Float32Array } {
  const half = headDim / 2;
  const theta = Array.from({ length: half }, (_, i) => Math.pow(ropeBase, (-2 * i) / headDim));
  const worstMargin = (weights: number[]) => {
    let worst = Infinity;
    for (let d = 0; d < ctx; d++) {
      if (d === offset) continue;
      let margin = 0;
      for (let i = 0; i < half; i++) margin += weights[i]! * (1 - Math.cos(theta[i]! * (d - offset)));
      worst = Math.min(worst, margin);
    }
    return worst;
  };
  let best = { weights: theta.map(() => 1), margin: -Infinity };
  for (const p of [0, 0.5, 1, 1.5, 2, 3]) {
    const weights = theta.map((t) => Math.pow(t, p));
    const margin = worstMargin(weights);
    if (margin > best.margin) best = { weights, margin };
  }
  if (!(best.margin > 1e-6)) throw new Error(`a fixed-offset head cannot single out distance ${offset} in a context of ${ctx} with this RoPE base`);
  const scale = (FIXED_ATTENTION_MARGIN * Math.sqrt(headDim)) / best.margin;
  const q = new Float32Array(headDim);
  const k = new Float32Array(headDim);
  for (let i = 0; i < half; i++) {
    const a = Math.sqrt(scale * best.weights[i]!);
    k[i] = a;
    q[i] = a * Math.cos(theta[i]! * offset);
    q[i + half] = -a * Math.sin(theta[i]! * offset);
  }
  return { q, k };
}

/** Independent stream per tensor, so adding a tensor never changes the others. */
function seedFor(seed: number, name: string): number {
  return createHash('sha256').update(`${seed}:${name}`).digest().readUInt32LE(0);
}

function gaussian(n: number, std: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - rand())) * std;
    const theta = 2 * Math.PI * rand();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Offline access to the llama.cpp source bundled in node-llama-cpp

/** Locates node-llama-cpp's git bundle of the llama.cpp source it was built from. */
export function findLlamaSourceBundle(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('node-llama-cpp/llama/gitRelease.bundle not found: is node-llama-cpp installed?');
}

function defaultCacheDir(bundlePath: string): string {
  // <repo>/node_modules/node-llama-cpp/llama/gitRelease.bundle -> <repo>/.cache
  return join(dirname(bundlePath), '..', '..', '..', '.cache');
}

/**
 * Returns a local path of `pathInRepo`: the copy shipped in `resources/llama/` when there is one (and no
 * `cacheDir` is asked for), else from the bundled llama.cpp source, extracting it once into
 * `<cacheDir>/llama-src/<bundle hash>/files/`. Keyed by the bundle's content hash, so upgrading
 * node-llama-cpp never serves stale files. Writes are temp + rename, safe against parallel runs.
 */
export function extractLlamaSourceFile(pathInRepo: string, cacheDir?: string): string {
  const shipped = cacheDir === undefined ? shippedResource(pathInRepo) : null;
  if (shipped) return shipped;
  const bundle = findLlamaSourceBundle();
  const root = join(cacheDir ?? defaultCacheDir(bundle), 'llama-src', bundleHash(bundle));
  const target = join(root, 'files', pathInRepo);
  if (existsSync(target)) return target;

  const gitDir = join(root, 'repo.git');
  if (!existsSync(join(gitDir, 'HEAD'))) {
    mkdirSync(root, { recursive: true });
    const tmp = `${gitDir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('git', ['clone', '--bare', '--quiet', bundle, tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      renameSync(tmp, gitDir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(join(gitDir, 'HEAD'))) throw error; // another process won the race otherwise
    }
  }
  const content = execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${pathInRepo}`], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(dirname(target), { recursive: true });
  const tmpFile = `${target}.tmp-${process.pid}`;
  writeFileSync(tmpFile, content);
  renameSync(tmpFile, target);
  return target;
}

/** `resources/llama/<path>` above this module (copied there by `npm run build`), or null. */
function shippedResource(pathInRepo: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'llama', pathInRepo);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

const bundleHashes = new Map<string, string>();

function bundleHash(bundle: string): string {
  let hash = bundleHashes.get(bundle);
  if (hash === undefined) {
    hash = createHash('sha256').update(readFileSync(bundle)).digest('hex').slice(0, 16);
    bundleHashes.set(bundle, hash);
  }
  return hash;
}

/** Architecture + chat template of a GGUF, handy for assertions. */
export function describeGguf(path: string): { architecture: string; chatTemplate: string | undefined } {
  const meta = readGgufFile(path, { metadataOnly: true }).metadata;
  const t: GgufValue | undefined = meta.get('tokenizer.chat_template');
  return { architecture: getString(meta, 'general.architecture'), chatTemplate: t?.type === 'string' ? t.value : undefined };
}
