/**
 * Renders a frozen dataset version for the trainer: every sample through the base's chat template into
 * tokens + loss mask, each one proven twice: its rendered assistant turns read back with the template's call
 * syntax give exactly the sample's text and calls, and every prompt and turn is exactly what the template itself
 * renders (Hugging Face's Jinja, as llama-server and Ollama's converters do). Samples that fail are excluded and
 * listed with the reason, never silently trained on.
 */
import { isDeepStrictEqual } from 'node:util';
import type { LlamaModel, Token } from 'node-llama-cpp';
import { errorMessage } from '../../shared/errors';
import type { SplitSample } from '../data/datasetVersions';
import type { TokenSample } from './datasetFile';
import { ConversationRenderer, parseAssistantText, type RenderedConversation } from './renderConversation';
import { checkAgainstTemplate } from './templateReference';

export interface ExcludedSample {
  sampleId: number;
  split: 'train' | 'eval';
  reason: string;
}

export interface RenderedDataset {
  train: TokenSample[];
  eval: TokenSample[];
  excluded: ExcludedSample[];
  /** Tokens of the train split and, of those, the ones trained on (mask 1). */
  trainTokens: number;
  targetTokens: number;
  /** Token length of the longest sample (train and eval). */
  longest: number;
  /** The first rendered train sample as text with its trained spans, for the "what is trained" preview. */
  preview: RenderedPreview | null;
}

export interface RenderedPreview {
  sampleId: number;
  /** Consecutive pieces of the rendered text; `trained` marks the spans with loss. */
  pieces: Array<{ text: string; trained: boolean }>;
}

/** The template variables training renders with: `templateChatWrapper`'s thinking switch (off). */
const TEMPLATE_VARIABLES = { enable_thinking: false };

/** Each generation's prompt and prompt + output as text, for the comparison with the template. */
function textsOf(model: LlamaModel, sequence: RenderedConversation): Array<{ prompt: string; through: string }> {
  return sequence.assistantSpans.map((span) => ({
    prompt: model.detokenize(sequence.tokens.slice(0, span.start) as Token[], true),
    through: model.detokenize(sequence.tokens.slice(0, span.end) as Token[], true),
  }));
}

/** Samples rendered between two yields to the event loop, so a long render keeps the app responsive. */
const YIELD_EVERY = 50;

/** Throws with a reason when a rendered assistant turn does not read back into exactly the sample's text and calls. */
export function proveRendering(model: LlamaModel, renderer: ConversationRenderer, rendered: RenderedConversation): void {
  rendered.assistantSpans.forEach((span, i) => {
    const tokens = rendered.tokens.slice(span.start, span.end) as Token[];
    const endOfTurn = model.detokenize(tokens.slice(-1), true);
    const parsed = parseAssistantText(renderer.chatWrapper, model.detokenize(tokens, true), endOfTurn);
    const expected = rendered.generations[i];
    if (!expected) throw new Error(`assistant turn ${i + 1} has no expected content`);
    if (parsed.text.trim() !== expected.text.trim()) throw new Error(`assistant turn ${i + 1} reads back with other text than the sample's`);
    if (!isDeepStrictEqual(parsed.calls, expected.calls)) {
      throw new Error(`assistant turn ${i + 1} reads back as ${parsed.calls.length} call(s) that differ from the sample's ${expected.calls.length}`);
    }
  });
}

function previewOf(model: LlamaModel, sampleId: number, rendered: RenderedConversation): RenderedPreview {
  const pieces: RenderedPreview['pieces'] = [];
  let start = 0;
  for (let i = 1; i <= rendered.tokens.length; i++) {
    if (i < rendered.tokens.length && rendered.mask[i] === rendered.mask[start]) continue;
    pieces.push({ text: model.detokenize(rendered.tokens.slice(start, i) as Token[], true), trained: rendered.mask[start] === 1 });
    start = i;
  }
  return { sampleId, pieces };
}

export async function renderDataset(
  model: LlamaModel,
  samples: Iterable<SplitSample>,
  onProgress?: (rendered: number) => void,
): Promise<RenderedDataset> {
  const renderer = ConversationRenderer.forModel(model);
  const template = model.fileInfo.metadata.tokenizer?.chat_template ?? '';
  const bos = model.tokens.bos;
  const bosToken = bos === null ? '' : model.detokenize([bos], true);
  const out: RenderedDataset = { train: [], eval: [], excluded: [], trainTokens: 0, targetTokens: 0, longest: 0, preview: null };
  let count = 0;
  for (const { sampleId, sample, split } of samples) {
    try {
      const sequences = renderer.renderSequences(sample);
      for (const sequence of sequences) proveRendering(model, renderer, sequence);
      checkAgainstTemplate({ template, sample, bosToken, extra: TEMPLATE_VARIABLES, generations: sequences.flatMap((sequence) => textsOf(model, sequence)) });
      for (const rendered of sequences) {
        out[split].push({ tokens: rendered.tokens, mask: rendered.mask });
        out.longest = Math.max(out.longest, rendered.tokens.length);
        if (split === 'train') {
          out.trainTokens += rendered.tokens.length;
          out.targetTokens += rendered.mask.reduce((a, b) => a + b, 0);
          out.preview ??= previewOf(model, sampleId, rendered);
        }
      }
    } catch (error) {
      out.excluded.push({ sampleId, split, reason: errorMessage(error) });
    }
    if (++count % YIELD_EVERY === 0) {
      onProgress?.(count);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  onProgress?.(count);
  return out;
}
