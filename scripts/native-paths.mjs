// Where the native tools live. Shared by scripts/build-native.mjs and anything else that needs the paths.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The binaries that `npm run build:native` produces. */
export const nativeTools = ['tooltune-train', 'tooltune-train-tests', 'llama-quantize', 'llama-export-lora', 'llama-finetune', 'llama-server'];

export const exeSuffix = process.platform === 'win32' ? '.exe' : '';

/** resources/bin/<platform>-<arch>[-cuda] */
export function nativeBinDir({ cuda = false, root = repoRoot } = {}) {
  return path.join(root, 'resources', 'bin', `${process.platform}-${process.arch}${cuda ? '-cuda' : ''}`);
}

/** The directory with a built tooltune-train: TOOLTUNE_NATIVE_BIN_DIR, else the CUDA build, else the CPU build. */
export function findNativeBinDir({ root = repoRoot, preferCuda = true } = {}) {
  const candidates = [];
  if (process.env.TOOLTUNE_NATIVE_BIN_DIR) candidates.push(process.env.TOOLTUNE_NATIVE_BIN_DIR);
  if (preferCuda) candidates.push(nativeBinDir({ cuda: true, root }));
  candidates.push(nativeBinDir({ cuda: false, root }));
  return candidates.find((dir) => existsSync(path.join(dir, `tooltune-train${exeSuffix}`))) ?? null;
}
