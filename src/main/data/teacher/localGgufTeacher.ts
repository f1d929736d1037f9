import { open, stat } from 'node:fs/promises';
import { getLlama, LlamaChatSession, LlamaLogLevel, type GbnfJsonObjectSchema, type Llama, type LlamaContext, type LlamaGrammar, type LlamaModel } from 'node-llama-cpp';
import type { TeacherPrompt } from '../../../shared/data/teacher/prompt';
import { ConcurrencyGate, parseTeacherJson, TeacherError, type Teacher } from './teacher';

export interface LocalTeacherOptions {
  /** A GGUF file the user chose. */
  modelPath: string;
  /** Tokens per sequence's share of the context. Default 4096. */
  contextSize?: number;
  /** Parallel sequences, i.e. samples written at once. Default 2. */
  sequences?: number;
  /** Default 0.8. */
  temperature?: number;
  /** Default 1536: the answer schema bounds every text, so this is only a backstop. */
  maxTokens?: number;
  /** Per answer. Default 300 s (a CPU may be slow). */
  timeoutMs?: number;
}

/** Compiled grammars kept; a run asks for a few dozen distinct answer shapes. */
const GRAMMAR_CACHE_MAX = 64;

/** Refuses what is not a readable GGUF file before llama.cpp sees it. */
export async function assertGgufFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new TeacherError(`no model file at ${path}`, true);
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4 || buffer.toString('latin1') !== 'GGUF') throw new TeacherError(`${path} is not a GGUF model file`, true);
  } finally {
    await file.close();
  }
}

/**
 * A GGUF model run through node-llama-cpp: one context with `sequences` sequences, each answer
 * constrained by a grammar compiled from the request's JSON Schema, so it always parses.
 */
export class LocalGgufTeacher implements Teacher {
  readonly concurrency: number;
  private readonly gate: ConcurrencyGate;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly disposing = new AbortController();

  private constructor(
    private readonly llama: Llama,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly options: LocalTeacherOptions,
  ) {
    this.concurrency = context.totalSequences;
    this.gate = new ConcurrencyGate(this.concurrency);
  }

  static async load(options: LocalTeacherOptions): Promise<LocalGgufTeacher> {
    await assertGgufFile(options.modelPath);
    const llama = await getLlama({ build: 'never', logLevel: LlamaLogLevel.error });
    let model: LlamaModel | undefined;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath });
      const sequences = Math.max(1, options.sequences ?? 2);
      const context = await model.createContext({ contextSize: (options.contextSize ?? 4096) * sequences, sequences });
      return new LocalGgufTeacher(llama, model, context, options);
    } catch (error) {
      await model?.dispose();
      await llama.dispose();
      throw new TeacherError(`the model could not be loaded: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  ask(prompt: TeacherPrompt, signal: AbortSignal): Promise<unknown> {
    return this.gate.run(async () => {
      const timeoutMs = this.options.timeoutMs ?? 300_000;
      const timeout = AbortSignal.timeout(timeoutMs);
      const stop = AbortSignal.any([signal, timeout, this.disposing.signal]);
      const grammar = await this.grammarFor(prompt.schema);
      const session = new LlamaChatSession({ contextSequence: this.context.getSequence(), systemPrompt: prompt.system, autoDisposeSequence: true });
      try {
        const text = await session.prompt(prompt.user, { grammar, temperature: this.options.temperature ?? 0.8, seed: prompt.seed, maxTokens: this.options.maxTokens ?? 1536, signal: stop });
        return parseTeacherJson(text);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (this.disposing.signal.aborted) throw this.disposing.signal.reason;
        if (timeout.aborted) throw new TeacherError(`the model gave no complete answer within ${timeoutMs / 1000} s`, false);
        if (error instanceof TeacherError) throw error;
        throw new TeacherError(`the model failed: ${error instanceof Error ? error.message : String(error)}`, false);
      } finally {
        session.dispose();
      }
    });
  }

  async dispose(): Promise<void> {
    this.disposing.abort(new TeacherError('the teacher was closed', true));
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private grammarFor(schema: TeacherPrompt['schema']): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      if (this.grammars.size >= GRAMMAR_CACHE_MAX) this.grammars.clear();
      // The answer schemas are built (draftSchema.ts, judge.ts) inside the subset node-llama-cpp supports.
      grammar = this.llama.createGrammarForJsonSchema(schema as GbnfJsonObjectSchema);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}
