/**
 * A model served elsewhere (llama-server, Ollama, LM Studio, vLLM) answering eval steps through its
 * OpenAI-compatible `/chat/completions`: the recorded history and the tools in OpenAI's format, temperature 0, and
 * the `tool_calls` it returns read like a model's own text (numbers as written in `arguments`).
 */
import { toOpenAiRecord } from '../../shared/data/formats/openaiJsonl';
import type { ProducedCall } from '../../shared/eval/astChecker';
import type { EvalCase, EvalStep } from '../../shared/eval/evalCases';
import { readArgumentsText } from '../../shared/eval/floatLiterals';
import { isJsonObject, ownValue } from '../../shared/tools/plainJson';
import { ChatCompletionsClient, EndpointError, type EndpointOptions } from '../net/chatCompletions';
import type { Answer, Answerer } from './evaluateCases';

export interface EndpointAnswererOptions extends EndpointOptions {
  model: string;
  parallelism: number;
  maxTokens: number;
}

/** The calls of a chat completion's message; `null` when one cannot be read (arguments that are not JSON). */
function callsOf(message: unknown): ProducedCall[] | null {
  const raw = isJsonObject(message) ? ownValue(message, 'tool_calls') : undefined;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return null;
  const calls: ProducedCall[] = [];
  for (const item of raw) {
    const fn = isJsonObject(item) ? ownValue(item, 'function') : undefined;
    const name = isJsonObject(fn) ? ownValue(fn, 'name') : undefined;
    const args = isJsonObject(fn) ? ownValue(fn, 'arguments') : undefined;
    if (typeof name !== 'string') return null;
    if (typeof args === 'string') {
      const read = readArgumentsText(args.trim() === '' ? '{}' : args);
      if (read === null) return null;
      calls.push({ name, ...read });
    } else calls.push({ name, arguments: args ?? {}, floats: new Set() });
  }
  return calls;
}

export class EndpointAnswerer implements Answerer {
  readonly parallelism: number;
  private readonly client: ChatCompletionsClient;

  constructor(private readonly options: EndpointAnswererOptions) {
    this.client = new ChatCompletionsClient(options);
    this.parallelism = options.parallelism;
  }

  get label(): string {
    return `${this.options.model} at ${this.client.url.origin}`;
  }

  async answer(evalCase: EvalCase, step: EvalStep, signal: AbortSignal): Promise<Answer> {
    const record = toOpenAiRecord({ messages: evalCase.messages.slice(0, step.promptEnd), tools: evalCase.tools, kind: evalCase.kind });
    const body = JSON.stringify({ model: this.options.model, ...record, temperature: 0, max_tokens: this.options.maxTokens, parallel_tool_calls: true });
    const started = performance.now();
    const text = await this.client.complete(() => body, signal);
    const ms = performance.now() - started;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new EndpointError(`${this.client.url.origin} did not answer with JSON; is this an OpenAI-compatible endpoint?`, true);
    }
    const choices = isJsonObject(parsed) ? ownValue(parsed, 'choices') : undefined;
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const message = isJsonObject(first) ? ownValue(first, 'message') : undefined;
    if (!isJsonObject(message)) throw new EndpointError(`${this.client.url.origin} answered without choices[0].message; is this an OpenAI-compatible endpoint?`, true);
    const content = ownValue(message, 'content');
    return { text: typeof content === 'string' ? content : '', calls: callsOf(message), ms };
  }
}
