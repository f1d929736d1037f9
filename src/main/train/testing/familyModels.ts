/**
 * Vocabulary-and-template GGUFs of the model families users fine-tune most for tool calling: the family's
 * architecture metadata (with `general.name` and `general.size_label`), its real tokenizer with the special
 * tokens at their real ids, and its real chat template, all from the llama.cpp source bundle. No weights:
 * rendering and parsing read only the tokenizer and the template (`vocabOnly` loads).
 */
import { readFileSync } from 'node:fs';
import { GgufWriter, readGgufFile, type GgufValue } from '../../models/gguf/index.js';
import { extractLlamaSourceFile, qwenVocabulary, QWEN2_VOCAB_PATH } from '../../models/tinyModel.js';

export interface ModelFamily {
  id: 'qwen2.5' | 'qwen3' | 'llama3.2';
  architecture: string;
  name: string;
  sizeLabel: string;
  vocab: string;
  template: string;
}

export const FAMILIES: readonly ModelFamily[] = [
  { id: 'qwen2.5', architecture: 'qwen2', name: 'Qwen2.5 0.5B Instruct', sizeLabel: '0.5B', vocab: QWEN2_VOCAB_PATH, template: 'models/templates/Qwen-Qwen2.5-7B-Instruct.jinja' },
  { id: 'qwen3', architecture: 'qwen3', name: 'Qwen3 0.6B', sizeLabel: '0.6B', vocab: QWEN2_VOCAB_PATH, template: 'models/templates/Qwen-Qwen3-0.6B.jinja' },
  { id: 'llama3.2', architecture: 'llama', name: 'Llama 3.2 3B Instruct', sizeLabel: '3B', vocab: 'models/ggml-vocab-llama-bpe.gguf', template: 'models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja' },
];

/** Llama 3's turn end: the instruct models stop on it (the vocab file's own eos is <|end_of_text|>). */
const LLAMA3_EOT = 128009;

export function writeFamilyModel(path: string, family: ModelFamily): void {
  const vocab = readGgufFile(extractLlamaSourceFile(family.vocab), { metadataOnly: true }).metadata;
  const w = new GgufWriter();
  const arch = family.architecture;
  w.setString('general.architecture', arch);
  w.setString('general.name', family.name);
  w.setString('general.size_label', family.sizeLabel);
  w.setU32(`${arch}.context_length`, 4096);
  w.setU32(`${arch}.embedding_length`, 64);
  w.setU32(`${arch}.block_count`, 1);
  w.setU32(`${arch}.feed_forward_length`, 128);
  w.setU32(`${arch}.attention.head_count`, 4);
  w.setU32(`${arch}.attention.head_count_kv`, 4);
  w.setF32(`${arch}.attention.layer_norm_rms_epsilon`, 1e-6);
  for (const [key, value] of vocab) if (key.startsWith('tokenizer.')) w.set(key, value as GgufValue);
  if (family.vocab === QWEN2_VOCAB_PATH) {
    const { tokens, types } = qwenVocabulary(vocab);
    w.set('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens });
    w.set('tokenizer.ggml.token_type', { type: 'array', itemType: 'i32', value: types });
    w.setU32('tokenizer.ggml.eos_token_id', tokens.indexOf('<|im_end|>'));
  } else {
    w.setU32('tokenizer.ggml.eos_token_id', LLAMA3_EOT);
  }
  w.setString('tokenizer.chat_template', readFileSync(extractLlamaSourceFile(family.template), 'utf8'));
  w.writeFile(path);
}
