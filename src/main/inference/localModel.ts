/**
 * A GGUF model (optionally with a LoRA adapter applied at run time) loaded for generation through node-llama-cpp,
 * with the base's own chat template: what Evaluate decodes with and what the Test step's chat runs on.
 *
 * Decoding is free and greedy by default: the model writes its whole answer, calls included, and the answer is
 * read with the template's call syntax — what llama-server and Ollama see. Several sequences share one context so
 * cases run in parallel; threads are set explicitly (node-llama-cpp's default on a small machine oversubscribes
 * the cores and a token takes ~200× longer, docs/tiny-models.md).
 */
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { floatLiteralPaths } from '../../shared/eval/floatLiterals';
import type { ProducedCall } from '../../shared/eval/astChecker';
import { ConversationRenderer, parseAssistantText, RenderConversationError, type RenderableSample } from '../train/renderConversation';

export interface LocalModelOptions {
  modelPath: string;
  adapterPath?: string;
  threads: number;
  /** Generations that run at once (one context sequence each). */
  sequences: number;
  /** Tokens per sequence: the longest prompt plus the answer must fit. */
  contextSize: number;
}

export interface Generation {
  /** Detokenized with special tokens, the end-of-turn token cut. */
  text: string;
  tokens: number;
  /** From the start of the prompt's evaluation to the last token. */
  ms: number;
  /** false: stopped at `maxTokens` before the end of the turn. */
  finished: boolean;
}

/** Sampling for the chat; without it decoding is greedy (Evaluate). */
export interface Sampling {
  temperature: number;
  topP: number;
  topK: number;
  seed: number;
}

export interface GenerateOptions {
  maxTokens: number;
  signal?: AbortSignal;
  sampling?: Sampling;
  /** The answer so far, after each token (the chat streams it). */
  onText?: (text: string) => void;
}

export interface ReadAnswer {
  text: string;
  /** `null`: the answer starts a call that cannot be read. */
  calls: ProducedCall[] | null;
}

export class LocalModel {
  private readonly free: LlamaContextSequence[];
  private readonly waiting: Array<(sequence: LlamaContextSequence) => void> = [];

  private constructor(
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly renderer: ConversationRenderer,
    sequences: LlamaContextSequence[],
    readonly contextSize: number,
  ) {
    this.free = sequences;
  }

  static async load(llama: Llama, options: LocalModelOptions): Promise<LocalModel> {
    const model = await llama.loadModel({ modelPath: options.modelPath });
    try {
      const renderer = ConversationRenderer.forModel(model);
      const context = await model.createContext({
        contextSize: options.contextSize,
        sequences: options.sequences,
        threads: options.threads,
        ...(options.adapterPath !== undefined ? { lora: { adapters: [{ filePath: options.adapterPath }] } } : {}),
      });
      const sequences = Array.from({ length: options.sequences }, () => context.getSequence());
      return new LocalModel(model, context, renderer, sequences, options.contextSize);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** The prompt of a conversation that ends with a user turn or with tool results. */
  promptOf(sample: RenderableSample): Token[] {
    return this.renderer.renderPrompt(sample);
  }

  /** Decoding after `prompt` (greedy unless `sampling`) until the end of the turn or `maxTokens`; waits for a free sequence. */
  async generate(prompt: readonly Token[], options: GenerateOptions): Promise<Generation> {
    if (prompt.length + options.maxTokens > this.contextSize) {
      throw new RenderConversationError(`the prompt (${prompt.length} tokens) and its answer (up to ${options.maxTokens}) do not fit the window of ${this.contextSize}`);
    }
    const sequence = await this.acquire();
    try {
      await sequence.clearHistory();
      const started = performance.now();
      const out: Token[] = [];
      let finished = false;
      const sampling = options.sampling && options.sampling.temperature > 0 ? options.sampling : { temperature: 0 };
      for await (const token of sequence.evaluate(prompt as Token[], { ...sampling, yieldEogToken: true })) {
        if (this.model.isEogToken(token)) {
          finished = true;
          break;
        }
        out.push(token);
        options.onText?.(this.model.detokenize(out, true));
        if (out.length >= options.maxTokens || options.signal?.aborted) break;
      }
      return { text: this.model.detokenize(out, true), tokens: out.length, ms: performance.now() - started, finished };
    } finally {
      this.release(sequence);
    }
  }

  /** An answer read with the template's call syntax; numbers keep how they were written (the checker needs `10` vs `10.0`). */
  readAnswer(text: string): ReadAnswer {
    try {
      const parsed = parseAssistantText(this.renderer.chatWrapper, text, '');
      const calls = parsed.calls.map((call, i): ProducedCall => ({ name: call.name, arguments: call.arguments, floats: floatLiteralPaths(parsed.argumentTexts[i] ?? '') ?? new Set() }));
      return { text: parsed.text, calls };
    } catch (error) {
      if (error instanceof RenderConversationError) return { text, calls: null };
      throw error;
    }
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }

  private acquire(): Promise<LlamaContextSequence> {
    const sequence = this.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }
}
