/**
 * TTDS v1: the tokenized, loss-masked training set the native trainer reads.
 *
 * ```
 * offset 0  char[4]  magic "TTDS"
 * 4         u32      version = 1
 * 8         u32      n_vocab      (must equal the model's)
 * 12        u32      n_samples
 * 16        u64      n_tokens     (total)
 * 24        u64      vocab_hash   (see vocabHash)
 * 32        u64[n_samples+1] offsets (sample i = tokens[offsets[i], offsets[i+1]); offsets[0]=0, offsets[n]=n_tokens)
 * ...       i32[n_tokens]    token ids
 * ...       u8[n_tokens]     mask: 1 = training target (loss on predicting it from earlier tokens of the sample)
 * ```
 * Little-endian, no padding.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { writeFileAtomically } from '../atomicFile.js';
import { getStringArray, readGgufFile } from '../models/gguf/index.js';

export const TTDS_MAGIC = 'TTDS';
export const TTDS_VERSION = 1;
const HEADER_BYTES = 32;

export class DatasetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetFileError';
  }
}

export interface TokenSample {
  tokens: ArrayLike<number>;
  /** Same length as `tokens`; 1 = target, 0 = context only. */
  mask: ArrayLike<number>;
}

export interface TtdsHeader {
  nVocab: number;
  vocabHash: bigint;
}

export interface TtdsDataset extends TtdsHeader {
  /** n_samples + 1 entries. */
  offsets: number[];
  tokens: Int32Array;
  mask: Uint8Array;
}

const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

/**
 * FNV-1a 64 over each token's UTF-8 text followed by one 0x00 byte, for ids 0..n_vocab-1.
 * Identifies a tokenizer, so a dataset can't silently be trained on a model with another vocab.
 * (Tokens are hashed as re-encoded UTF-8; equal to the raw GGUF bytes for every valid-UTF-8 vocab.)
 */
export function vocabHash(tokens: Iterable<string>): bigint {
  // Split into two 32-bit halves to multiply without BigInt in the inner loop (152k tokens).
  let hi = Number(FNV_OFFSET_BASIS >> 32n);
  let lo = Number(FNV_OFFSET_BASIS & 0xffffffffn);
  const encoder = new TextEncoder();
  const step = (byte: number) => {
    lo = (lo ^ byte) >>> 0;
    // (hi:lo) * 0x100000001b3 mod 2^64 = (hi:lo) * 0x1b3 + (lo << 40)
    const loTimes = lo * 0x1b3;
    const newLo = loTimes >>> 0;
    const carry = Math.floor(loTimes / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  };
  for (const token of tokens) {
    for (const byte of encoder.encode(token)) step(byte);
    step(0);
  }
  return ((BigInt(hi) << 32n) | BigInt(lo)) & U64;
}

/** Reference implementation with BigInt, used by the tests to check the fast one. */
export function vocabHashReference(tokens: Iterable<string>): bigint {
  let h = FNV_OFFSET_BASIS;
  const encoder = new TextEncoder();
  for (const token of tokens) {
    for (const byte of [...encoder.encode(token), 0]) h = ((h ^ BigInt(byte)) * FNV_PRIME) & U64;
  }
  return h;
}

/** n_vocab and vocab hash of a GGUF model's tokenizer. */
export function vocabOfModel(ggufPath: string): TtdsHeader {
  const tokens = getStringArray(readGgufFile(ggufPath, { metadataOnly: true }).metadata, 'tokenizer.ggml.tokens');
  return { nVocab: tokens.length, vocabHash: vocabHash(tokens) };
}

/** Serializes samples into TTDS bytes, validating ids and masks. */
export function encodeTtds(header: TtdsHeader, samples: readonly TokenSample[]): Uint8Array {
  if (!Number.isInteger(header.nVocab) || header.nVocab <= 0 || header.nVocab > 0xffffffff) throw new DatasetFileError('n_vocab out of range');
  if (samples.length > 0xffffffff) throw new DatasetFileError('too many samples');
  const nTokens = samples.reduce((n, s) => n + s.tokens.length, 0);
  const bytes = new Uint8Array(HEADER_BYTES + (samples.length + 1) * 8 + nTokens * 5);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(TTDS_MAGIC), 0);
  view.setUint32(4, TTDS_VERSION, true);
  view.setUint32(8, header.nVocab, true);
  view.setUint32(12, samples.length, true);
  view.setBigUint64(16, BigInt(nTokens), true);
  view.setBigUint64(24, header.vocabHash & U64, true);

  let offsetAt = HEADER_BYTES;
  let tokenAt = HEADER_BYTES + (samples.length + 1) * 8;
  let maskAt = tokenAt + nTokens * 4;
  let position = 0;
  view.setBigUint64(offsetAt, 0n, true);
  samples.forEach((sample, i) => {
    if (sample.mask.length !== sample.tokens.length) throw new DatasetFileError(`sample ${i}: mask length ${sample.mask.length} != token count ${sample.tokens.length}`);
    for (let j = 0; j < sample.tokens.length; j++) {
      const id = sample.tokens[j] ?? -1;
      if (!Number.isInteger(id) || id < 0 || id >= header.nVocab) throw new DatasetFileError(`sample ${i}: token id ${id} outside the vocabulary of ${header.nVocab}`);
      const m = sample.mask[j];
      if (m !== 0 && m !== 1) throw new DatasetFileError(`sample ${i}: mask values must be 0 or 1`);
      view.setInt32(tokenAt, id, true);
      bytes[maskAt] = m;
      tokenAt += 4;
      maskAt += 1;
    }
    position += sample.tokens.length;
    offsetAt += 8;
    view.setBigUint64(offsetAt, BigInt(position), true);
  });
  return bytes;
}

/** Parses TTDS bytes, checking every structural invariant (a corrupt file gives DatasetFileError). */
export function decodeTtds(bytes: Uint8Array): TtdsDataset {
  if (bytes.byteLength < HEADER_BYTES) throw new DatasetFileError('file is too short for a TTDS header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== TTDS_MAGIC) throw new DatasetFileError('not a TTDS file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== TTDS_VERSION) throw new DatasetFileError(`unsupported TTDS version ${version}`);
  const nVocab = view.getUint32(8, true);
  const nSamples = view.getUint32(12, true);
  const nTokensBig = view.getBigUint64(16, true);
  const hash = view.getBigUint64(24, true);
  const expected = BigInt(HEADER_BYTES) + BigInt(nSamples + 1) * 8n + nTokensBig * 5n;
  if (BigInt(bytes.byteLength) !== expected) throw new DatasetFileError(`file size ${bytes.byteLength} does not match its header (expected ${expected})`);
  const nTokens = Number(nTokensBig);

  const offsets: number[] = new Array<number>(nSamples + 1);
  for (let i = 0; i <= nSamples; i++) {
    const o = view.getBigUint64(HEADER_BYTES + i * 8, true);
    const prev = i === 0 ? 0 : (offsets[i - 1] ?? 0);
    if (o > nTokensBig || (i === 0 && o !== 0n) || Number(o) < prev) throw new DatasetFileError(`offsets[${i}] = ${o} is out of order or range`);
    offsets[i] = Number(o);
  }
  if (offsets[nSamples] !== nTokens) throw new DatasetFileError('offsets[n_samples] must equal n_tokens');

  const tokenStart = HEADER_BYTES + (nSamples + 1) * 8;
  const tokens = new Int32Array(nTokens);
  for (let i = 0; i < nTokens; i++) {
    const id = view.getInt32(tokenStart + i * 4, true);
    if (id < 0 || id >= nVocab) throw new DatasetFileError(`token ${i} has id ${id} outside the vocabulary of ${nVocab}`);
    tokens[i] = id;
  }
  const mask = bytes.slice(tokenStart + nTokens * 4);
  for (let i = 0; i < nTokens; i++) if ((mask[i] ?? 0) > 1) throw new DatasetFileError(`mask ${i} is not 0 or 1`);
  return { nVocab, vocabHash: hash, offsets, tokens, mask };
}

export function samplesOf(dataset: TtdsDataset): TokenSample[] {
  const out: TokenSample[] = [];
  for (let i = 0; i + 1 < dataset.offsets.length; i++) {
    const a = dataset.offsets[i] ?? 0;
    const b = dataset.offsets[i + 1] ?? 0;
    out.push({ tokens: dataset.tokens.subarray(a, b), mask: dataset.mask.subarray(a, b) });
  }
  return out;
}

/** Writes atomically (temp + rename): the trainer never sees a half-written dataset. */
export function writeTtdsFile(path: string, header: TtdsHeader, samples: readonly TokenSample[]): void {
  const bytes = encodeTtds(header, samples);
  writeFileAtomically(path, (write) => write(bytes));
}

/** Largest TTDS file we read into memory (tokens take 5 bytes each: 2^31 bytes = ~400M tokens). */
const MAX_READ_BYTES = 2 ** 31;

export function readTtdsFile(path: string): TtdsDataset {
  const size = statSync(path).size;
  if (size > MAX_READ_BYTES) throw new DatasetFileError(`${path} is larger than ${MAX_READ_BYTES} bytes`);
  const bytes = new Uint8Array(size);
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    while (done < size) {
      const n = readSync(fd, bytes, done, size - done, done);
      if (n === 0) throw new DatasetFileError(`${path} shrank while reading`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return decodeTtds(bytes);
}
