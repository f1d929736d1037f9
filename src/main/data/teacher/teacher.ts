import type { TeacherPrompt } from '../../../shared/data/teacher/prompt';

/**
 * A model that writes or judges samples: a local GGUF through node-llama-cpp, or an
 * OpenAI-compatible server. Its answers are untrusted JSON; callers validate them.
 */
export interface Teacher {
  /** Requests it works on at once; more calls to `ask` wait their turn. */
  readonly concurrency: number;
  /** One answer to `prompt`, parsed as JSON. Throws `TeacherError`, or the abort reason when `signal` fires. */
  ask(prompt: TeacherPrompt, signal: AbortSignal): Promise<unknown>;
  /** Releases the model, the context and every pending request. */
  dispose(): Promise<void>;
}

/**
 * `fatal`: the teacher cannot work at all (unreachable, refused, model not loadable), so the job
 * stops. Otherwise only this answer failed (not JSON, too large, too slow) and the job goes on.
 */
export class TeacherError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'TeacherError';
  }
}

/** Parses a model's JSON text; tolerates a Markdown code fence around it, as chat models like to add. */
export function parseTeacherJson(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  try {
    return JSON.parse(fenced ? (fenced[1] as string) : text) as unknown;
  } catch {
    throw new TeacherError(`the answer is not JSON (${text.length} characters, starting ${JSON.stringify(text.slice(0, 60))})`, false);
  }
}

/** Lets at most `limit` tasks run at once, in arrival order. */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
