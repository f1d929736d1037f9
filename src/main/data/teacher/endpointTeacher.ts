import { isJsonObject, ownValue } from '../../../shared/tools/plainJson';
import type { TeacherPrompt } from '../../../shared/data/teacher/prompt';
import { ChatCompletionsClient, EndpointError, type EndpointOptions } from '../../net/chatCompletions';
import { ConcurrencyGate, parseTeacherJson, TeacherError, type Teacher } from './teacher';

export interface EndpointTeacherOptions extends EndpointOptions {
  model: string;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Default 0.8: varied samples. */
  temperature?: number;
  /** Default 2048. */
  maxTokens?: number;
}

type ResponseFormat = 'json_schema' | 'json_object';

/**
 * An OpenAI-compatible `/chat/completions` server. Asks for `response_format: json_schema` and
 * falls back to `json_object` (the schema stays described in the prompt) once a server refuses it.
 */
export class EndpointTeacher implements Teacher {
  readonly concurrency: number;
  private readonly client: ChatCompletionsClient;
  private readonly gate: ConcurrencyGate;
  private readonly disposing = new AbortController();
  private format: ResponseFormat = 'json_schema';

  constructor(private readonly options: EndpointTeacherOptions) {
    this.client = asTeacherError(() => new ChatCompletionsClient(options));
    if (options.model.trim() === '') throw new TeacherError('name the model the server should use', true);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.gate = new ConcurrencyGate(this.concurrency);
  }

  ask(prompt: TeacherPrompt, signal: AbortSignal): Promise<unknown> {
    return this.gate.run(async () => parseTeacherJson(await this.complete(prompt, AbortSignal.any([signal, this.disposing.signal]))));
  }

  dispose(): Promise<void> {
    this.disposing.abort(new TeacherError('the teacher was closed', true));
    return Promise.resolve();
  }

  private async complete(prompt: TeacherPrompt, signal: AbortSignal): Promise<string> {
    // A server that refuses json_schema (400/422) is asked again with json_object, from then on.
    const refused = (status: number) => {
      if (this.format !== 'json_schema' || (status !== 400 && status !== 422)) return false;
      this.format = 'json_object';
      return true;
    };
    const body = await asTeacherError(() => this.client.complete(() => this.requestBody(prompt, this.format), signal, refused));
    return this.contentOf(body);
  }

  private requestBody(prompt: TeacherPrompt, format: ResponseFormat): string {
    return JSON.stringify({
      model: this.options.model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      temperature: this.options.temperature ?? 0.8,
      seed: prompt.seed,
      max_tokens: this.options.maxTokens ?? 2048,
      response_format: format === 'json_schema' ? { type: 'json_schema', json_schema: { name: 'answer', schema: prompt.schema, strict: false } } : { type: 'json_object' },
    });
  }

  /** The assistant text of a chat completion; anything else means this is no OpenAI-compatible server. */
  private contentOf(body: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new TeacherError(`${this.client.url.origin} did not answer with JSON; is this an OpenAI-compatible endpoint?`, true);
    }
    const choices = isJsonObject(parsed) ? ownValue(parsed, 'choices') : undefined;
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const message = isJsonObject(first) ? ownValue(first, 'message') : undefined;
    const content = isJsonObject(message) ? ownValue(message, 'content') : undefined;
    if (typeof content !== 'string') throw new TeacherError(`${this.client.url.origin} answered without choices[0].message.content; is this an OpenAI-compatible endpoint?`, true);
    return content;
  }
}

/** The endpoint's errors as the teacher's (fatal or not, the same message). */
function asTeacherError<T>(run: () => T): T {
  const rethrow = (error: unknown): never => {
    throw error instanceof EndpointError ? new TeacherError(error.message, error.fatal) : error;
  };
  try {
    const result = run();
    return (result instanceof Promise ? result.catch(rethrow) : result) as T;
  } catch (error) {
    return rethrow(error);
  }
}
