/**
 * Reads what the Train step needs from a GGUF's header (metadata and tensor infos, never the weights) and
 * refuses files the trainer cannot use, naming the reason.
 */
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { JinjaTemplateChatWrapper } from 'node-llama-cpp';
import type { ModelFileInfo } from '../../shared/contract/models';
import { ToolTuneError, errorMessage } from '../../shared/errors';
import { GGML_TYPES, GgufError, getOptionalString, readGgufFile, type GgufFile, type GgufValue } from './gguf/index.js';

/**
 * Architectures whose llama.cpp graphs train through tooltune-train's LoRA path. Qwen2 is verified at the
 * real Qwen2.5-0.5B shape (docs/trainer.md); Qwen3 and Llama use the same block structure.
 */
export const TRAINABLE_ARCHITECTURES: readonly string[] = ['qwen2', 'qwen3', 'llama'];

/** Weight types without a backward pass (OUT_PROD) for frozen weights; everything else trains on CPU (native/README.md). */
const UNTRAINABLE_TYPES: ReadonlySet<string> = new Set(['I8', 'I16', 'I32', 'I64', 'F64']);

function numberOf(meta: ReadonlyMap<string, GgufValue>, key: string): number | null {
  const value = meta.get(key);
  if (value === undefined || value.type === 'array' || value.type === 'string' || value.type === 'bool') return null;
  return Number(value.value);
}

function toolCallingOf(template: string | null): ModelFileInfo['toolCalling'] {
  if (template === null) return { supported: false, reason: 'the file has no chat template (tokenizer.chat_template)' };
  try {
    if (new JinjaTemplateChatWrapper({ template }).usingJinjaFunctionCallTemplate) return { supported: true };
  } catch (error) {
    return { supported: false, reason: `its chat template cannot be rendered: ${errorMessage(error)}` };
  }
  return {
    supported: false,
    reason: 'its chat template has no tool-calling format: choose an instruct base whose template lists tools (Qwen2.5, Qwen3, Llama 3.1/3.2)',
  };
}

/** The model's facts, from an already-read header. Throws `invalid-input` for a base the trainer cannot train. */
export function describeModelFile(file: GgufFile, label: string): ModelFileInfo {
  const meta = file.metadata;
  const architecture = getOptionalString(meta, 'general.architecture');
  if (architecture === undefined) throw new ToolTuneError('invalid-input', `${label} has no general.architecture: it is not a model GGUF.`);
  if (getOptionalString(meta, 'general.type') === 'adapter') {
    throw new ToolTuneError('invalid-input', `${label} is a LoRA adapter, not a base model.`);
  }
  if (!TRAINABLE_ARCHITECTURES.includes(architecture)) {
    throw new ToolTuneError(
      'invalid-input',
      `${label} is a ${architecture} model; the trainer supports ${TRAINABLE_ARCHITECTURES.join(', ')}.`,
    );
  }
  if (file.tensors.length === 0) throw new ToolTuneError('invalid-input', `${label} has no tensors (a vocabulary-only file?).`);
  const byType = new Map<string, { tensors: number; parameters: number }>();
  let parameterCount = 0;
  for (const tensor of file.tensors) {
    const type = GGML_TYPES[tensor.type]?.name ?? `type ${tensor.type}`;
    if (UNTRAINABLE_TYPES.has(type)) throw new ToolTuneError('invalid-input', `${label}: tensor ${tensor.name} is ${type}, which the trainer cannot train through.`);
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    parameterCount += count;
    const entry = byType.get(type) ?? { tensors: 0, parameters: 0 };
    entry.tensors++;
    entry.parameters += count;
    byType.set(type, entry);
  }
  const tokens = meta.get('tokenizer.ggml.tokens');
  if (tokens?.type !== 'array' || tokens.value.length === 0) throw new ToolTuneError('invalid-input', `${label} has no vocabulary (tokenizer.ggml.tokens).`);
  const chatTemplate = getOptionalString(meta, 'tokenizer.chat_template') ?? null;
  return {
    architecture,
    name: getOptionalString(meta, 'general.name') ?? null,
    sizeLabel: getOptionalString(meta, 'general.size_label') ?? null,
    parameterCount,
    layerCount: numberOf(meta, `${architecture}.block_count`),
    embeddingLength: numberOf(meta, `${architecture}.embedding_length`),
    contextLength: numberOf(meta, `${architecture}.context_length`),
    vocabularySize: tokens.value.length,
    separateOutputHead: file.tensors.some((tensor) => tensor.name === 'output.weight'),
    tensorTypes: [...byType].map(([type, entry]) => ({ type, ...entry })).sort((a, b) => b.parameters - a.parameters),
    chatTemplate,
    toolCalling: toolCallingOf(chatTemplate),
  };
}

/** Reads and describes the GGUF at `path`; a missing, broken or truncated file is `invalid-input` with the reader's reason. */
export function inspectModelFile(path: string): ModelFileInfo {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ToolTuneError('not-found', `No file at ${path}.`);
  }
  if (!isFile) throw new ToolTuneError('invalid-input', `${path} is not a file.`);
  let file: GgufFile;
  try {
    file = readGgufFile(path);
  } catch (error) {
    throw new ToolTuneError('invalid-input', `${path} is not a usable GGUF file: ${error instanceof GgufError ? error.message : errorMessage(error)}`);
  }
  return describeModelFile(file, path);
}

/** sha256 (hex) of a file, streamed: a few seconds per GB, the event loop stays free. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
