/**
 * Copies the llama.cpp source files the app needs at run time (the demo base's vocabulary and chat template)
 * from node-llama-cpp's source bundle into `resources/llama/`, which ships with the app: a packaged app has no
 * bundle and no `git` to extract them. Run by `npm run build`; a file already there is kept.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractLlamaSourceFile, LLAMA_RESOURCE_FILES } from '../src/main/models/tinyModel.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const file of LLAMA_RESOURCE_FILES) {
  const target = join(root, 'resources', 'llama', file);
  if (existsSync(target)) continue;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(extractLlamaSourceFile(file), target);
  console.log(`resources/llama/${file}`);
}
