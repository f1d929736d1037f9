import type { Sample } from './conversation';

/**
 * Exact and near-duplicate detection, pure. A sample's identity is what the model learns from:
 * the user turns and the calls (tool names and arguments), normalized (case, punctuation, spaces).
 * Near duplicates: MinHash over word 3-shingles (CJK characters count as words), LSH banding for
 * candidates, then the estimated Jaccard similarity against a threshold.
 */

const SIGNATURE_SIZE = 64;
const BANDS = 16;
const ROWS = SIGNATURE_SIZE / BANDS;
/** Text hashed for near-duplicates: a long story's opening decides, and a 3,000-character story costs no more than a query. */
const MAX_MINHASH_CHARS = 2000;
/** Members an LSH bucket keeps as candidates: template-made data would fill some with thousands. */
const MAX_BUCKET_CANDIDATES = 16;

export interface DuplicateGroup {
  kind: 'exact' | 'near';
  /** Indices into the input, ascending; the first is the one to keep. */
  members: number[];
  /** Lowest estimated similarity to the group's first member (1 for exact groups). */
  similarity: number;
}

/** The normalized text two samples share when they teach the same thing. */
export function dedupeText(sample: Pick<Sample, 'messages'>): string {
  return normalize(identityText(sample));
}

/** What identifies a sample, before normalization. */
function identityText(sample: Pick<Sample, 'messages'>): string {
  const parts: string[] = [];
  for (const message of sample.messages) {
    if (message.role === 'user') parts.push(message.content);
    else if (message.role === 'assistant') for (const call of message.toolCalls) parts.push(call.name, stableJson(call.arguments));
  }
  return parts.join(' ');
}

const SEED_A = 0x811c9dc5;
const SEED_B = 0x01000193;
const FNV_PRIME = 0x01000193;

/** A short key equal for exact duplicates (two 32-bit hashes of `dedupeText`). */
export function dedupeKey(sample: Pick<Sample, 'messages'>): string {
  const raw = identityText(sample);
  if (/^\p{ASCII}*$/u.test(raw)) return asciiKey(raw);
  const text = normalize(raw);
  return hash32(text, SEED_A).toString(36) + hash32(text, SEED_B).toString(36) + text.length.toString(36);
}

/**
 * `dedupeKey` of ASCII text in one pass, hashing the normalized text as it is produced instead of building it
 * (normalizing cost most of the key at 100,000 imported samples). Same keys: for ASCII, letters and digits are
 * `[a-z0-9]` after lower-casing, every other run becomes one space, and the ends are trimmed.
 */
function asciiKey(raw: string): string {
  let a = SEED_A >>> 0;
  let b = SEED_B >>> 0;
  let length = 0;
  let gap = false;
  for (let i = 0; i < raw.length; i++) {
    let code = raw.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (!((code >= 97 && code <= 122) || (code >= 48 && code <= 57))) {
      gap = length > 0;
      continue;
    }
    if (gap) {
      a = Math.imul(a ^ 32, FNV_PRIME);
      b = Math.imul(b ^ 32, FNV_PRIME);
      length++;
      gap = false;
    }
    a = Math.imul(a ^ code, FNV_PRIME);
    b = Math.imul(b ^ code, FNV_PRIME);
    length++;
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36) + length.toString(36);
}

export function findDuplicates(samples: readonly Pick<Sample, 'messages'>[], threshold = 0.8): DuplicateGroup[] {
  const texts = samples.map(dedupeText);
  const groups: DuplicateGroup[] = [];
  const firstByText = new Map<string, number>();
  const exactOf = new Map<number, number[]>();
  const representatives: number[] = [];
  texts.forEach((text, index) => {
    const first = firstByText.get(text);
    if (first === undefined) {
      firstByText.set(text, index);
      representatives.push(index);
    } else exactOf.set(first, [...(exactOf.get(first) ?? [first]), index]);
  });
  for (const members of exactOf.values()) groups.push({ kind: 'exact', members, similarity: 1 });

  const signatures = new Map(representatives.map((index) => [index, minHash(texts[index] as string)]));
  const parent = new Map<number, number>();
  const root = (i: number): number => {
    let r = i;
    while (parent.has(r)) r = parent.get(r) as number;
    return r;
  };
  const similarity = new Map<number, number>();
  const buckets = new Map<string, number[]>();
  for (const index of representatives) {
    const signature = signatures.get(index) as Uint32Array;
    // Candidates from every band, each compared once; a bucket offers only its first members.
    const candidates = new Set<number>();
    for (let band = 0; band < BANDS; band++) {
      const key = `${band}:${signature.subarray(band * ROWS, band * ROWS + ROWS).join(',')}`;
      const bucket = buckets.get(key);
      if (!bucket) buckets.set(key, [index]);
      else {
        for (let i = 0; i < bucket.length && i < MAX_BUCKET_CANDIDATES; i++) candidates.add(bucket[i] as number);
        if (bucket.length < MAX_BUCKET_CANDIDATES) bucket.push(index);
      }
    }
    for (const other of candidates) {
      if (root(other) === root(index)) continue;
      const estimate = agreement(signature, signatures.get(other) as Uint32Array);
      if (estimate < threshold) continue;
      const target = root(other);
      parent.set(root(index), target);
      similarity.set(target, Math.min(similarity.get(target) ?? 1, estimate));
    }
  }
  const nearGroups = new Map<number, number[]>();
  for (const index of representatives) {
    const r = root(index);
    nearGroups.set(r, [...(nearGroups.get(r) ?? []), index]);
  }
  for (const [r, members] of nearGroups) {
    if (members.length > 1) groups.push({ kind: 'near', members: members.sort((a, b) => a - b), similarity: similarity.get(r) ?? threshold });
  }
  return groups.sort((a, b) => (a.members[0] as number) - (b.members[0] as number));
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${key}:${stableJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return String(value);
}

function hash32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Per-slot salts: one multiply-xorshift per slot stands in for a random permutation. */
const SALTS = Uint32Array.from({ length: SIGNATURE_SIZE }, (_, slot) => hash32(`slot${slot}`, 0x811c9dc5));

function minHash(text: string): Uint32Array {
  const tokens = text.slice(0, MAX_MINHASH_CHARS).replace(/(\p{Script=Han})/gu, ' $1 ').split(' ').filter(Boolean);
  const tokenHashes = tokens.map((token) => hash32(token, 0x811c9dc5));
  const shingles = new Set<number>();
  if (tokenHashes.length < 3) shingles.add(tokenHashes.reduce((h, t) => Math.imul(h ^ t, 0x01000193), 0x811c9dc5) >>> 0);
  for (let i = 0; i + 3 <= tokenHashes.length; i++) {
    shingles.add(Math.imul(Math.imul(Math.imul(0x811c9dc5 ^ (tokenHashes[i] as number), 0x01000193) ^ (tokenHashes[i + 1] as number), 0x01000193) ^ (tokenHashes[i + 2] as number), 0x01000193) >>> 0);
  }
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let slot = 0; slot < SIGNATURE_SIZE; slot++) {
      let x = Math.imul(shingle ^ (SALTS[slot] as number), 0x9e3779b1);
      x = (x ^ (x >>> 15)) >>> 0;
      if (x < (signature[slot] as number)) signature[slot] = x;
    }
  }
  return signature;
}

function agreement(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}
