/**
 * Generates a tiny random-weight Qwen2 GGUF with the real Qwen2 tokenizer and Qwen2.5 template.
 *   npx tsx scripts/make-tiny-model.ts --out m.gguf --layers 2 --embd 64 --heads 4 --kv-heads 2 --ff 128 --seed 1 [--ctx 512] [--type f32|f16] [--tied-output|--shared-output]
 *   npx tsx scripts/make-tiny-model.ts --out m.gguf --shape 0.5b [--seed 1] [--type f32|f16]   (Qwen2.5-0.5B's shape, ~2 GB as F32)
 */
import { parseArgs } from 'node:util';
import { QWEN25_05B_SHAPE, writeTinyQwen2Model } from '../src/main/models/tinyModel.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    layers: { type: 'string', default: '2' },
    embd: { type: 'string', default: '64' },
    heads: { type: 'string', default: '4' },
    'kv-heads': { type: 'string', default: '2' },
    ff: { type: 'string', default: '128' },
    seed: { type: 'string', default: '1' },
    ctx: { type: 'string', default: '512' },
    type: { type: 'string', default: 'f32' },
    'tied-output': { type: 'boolean', default: false },
    'shared-output': { type: 'boolean', default: false },
    shape: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || values.out === undefined) {
  console.log('usage: make-tiny-model --out FILE [--layers 2] [--embd 64] [--heads 4] [--kv-heads 2] [--ff 128] [--seed 1] [--ctx 512] [--type f32|f16] [--tied-output|--shared-output] [--shape 0.5b]');
  process.exit(values.help ? 0 : 2);
}

const int = (name: string, text: string): number => {
  if (!/^\d+$/.test(text)) {
    console.error(`make-tiny-model: error: --${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return Number(text);
};
if (values.shape !== undefined && values.shape !== '0.5b') {
  console.error('make-tiny-model: error: --shape must be 0.5b');
  process.exit(2);
}
if (values.type !== 'f32' && values.type !== 'f16') {
  console.error('make-tiny-model: error: --type must be f32 or f16');
  process.exit(2);
}

const started = performance.now();
try {
  const shape = values.shape === '0.5b'
    ? QWEN25_05B_SHAPE
    : {
        layers: int('layers', values.layers),
        embd: int('embd', values.embd),
        heads: int('heads', values.heads),
        kvHeads: int('kv-heads', values['kv-heads']),
        ff: int('ff', values.ff),
        ctx: int('ctx', values.ctx),
        tiedOutput: values['tied-output'],
        sharedOutput: values['shared-output'],
      };
  const info = writeTinyQwen2Model(values.out, { ...shape, seed: int('seed', values.seed), weightType: values.type === 'f16' ? 'F16' : 'F32' });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`wrote ${info.path}: ${(info.nParams / 1e6).toFixed(2)}M params, vocab ${info.nVocab}, ${(info.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds}s`);
} catch (error) {
  console.error(`make-tiny-model: error: ${(error as Error).message}`);
  process.exit(1);
}
