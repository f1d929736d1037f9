import { setTimeout as sleep } from 'node:timers/promises';
import { isJsonObject, ownValue } from '../../../shared/tools/plainJson';
import type { TeacherPrompt } from '../../../shared/data/teacher/prompt';
import { ConcurrencyGate, parseTeacherJson, TeacherError, type Teacher } from './teacher';

export interface EndpointTeacherOptions {
  /** e.g. `http://gpu-box:8080/v1`; `/chat/completions` is appended. Only http and https. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged, never part of an error message. */
  apiKey?: string;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Default 0.8: varied samples. */
  temperature?: number;
  /** Per request, body included. Default 120 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 1 MB. */
  maxResponseBytes?: number;
  /** Retries after 429 or 5xx. Default 4. */
  retries?: number;
  /** First retry delay, doubled each time (a `Retry-After` header wins, up to 30 s). Default 1 s. */
  backoffMs?: number;
  /** Default 2048. */
  maxTokens?: number;
}

const RETRY_AFTER_MAX_MS = 30_000;
const ERROR_TEXT_MAX = 300;

/** The chat-completions URL of a base URL, or a clear error for anything but plain http(s). */
export function chatCompletionsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TeacherError(`"${baseUrl.slice(0, 200)}" is not a URL`, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TeacherError(`only http and https endpoints are supported, not ${url.protocol}`, true);
  if (url.username || url.password) throw new TeacherError('put the API key in its own field, not in the URL', true);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  url.search = '';
  url.hash = '';
  return url;
}

type ResponseFormat = 'json_schema' | 'json_object';

/**
 * An OpenAI-compatible `/chat/completions` server. Asks for `response_format: json_schema` and
 * falls back to `json_object` (the schema stays described in the prompt) once a server refuses it.
 */
export class EndpointTeacher implements Teacher {
  readonly concurrency: number;
  private readonly url: URL;
  private readonly gate: ConcurrencyGate;
  private readonly disposing = new AbortController();
  private format: ResponseFormat = 'json_schema';

  constructor(private readonly options: EndpointTeacherOptions) {
    this.url = chatCompletionsUrl(options.baseUrl);
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
    const retries = this.options.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const format = this.format;
      const { status, body, retryAfterMs } = await this.post(this.requestBody(prompt, format), signal);
      if (status >= 200 && status < 300) return this.contentOf(body);
      if (format === 'json_schema' && (status === 400 || status === 422)) {
        this.format = 'json_object';
        attempt--;
        continue;
      }
      const detail = `${this.url.origin} answered HTTP ${status}: ${this.redact(body.slice(0, ERROR_TEXT_MAX))}`;
      if ((status === 429 || status >= 500) && attempt < retries) {
        await sleep(retryAfterMs ?? (this.options.backoffMs ?? 1000) * 2 ** attempt, undefined, { signal });
        continue;
      }
      throw new TeacherError(attempt > 0 ? `${detail} (after ${attempt} retries)` : detail, true);
    }
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

  private async post(body: string, signal: AbortSignal): Promise<{ status: number; body: string; retryAfterMs: number | undefined }> {
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    try {
      const response = await fetch(this.url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.any([signal, timeout]) });
      const text = await readCapped(response, this.options.maxResponseBytes ?? 1_000_000);
      return { status: response.status, body: text, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) throw new TeacherError(`${this.url.origin} gave no complete answer within ${timeoutMs / 1000} s`, false);
      if (error instanceof TeacherError) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new TeacherError(`could not reach ${this.url.origin}: ${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`, true);
    }
  }

  /** The assistant text of a chat completion; anything else means this is no OpenAI-compatible server. */
  private contentOf(body: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new TeacherError(`${this.url.origin} did not answer with JSON; is this an OpenAI-compatible endpoint?`, true);
    }
    const choices = isJsonObject(parsed) ? ownValue(parsed, 'choices') : undefined;
    const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
    const message = isJsonObject(first) ? ownValue(first, 'message') : undefined;
    const content = isJsonObject(message) ? ownValue(message, 'content') : undefined;
    if (typeof content !== 'string') throw new TeacherError(`${this.url.origin} answered without choices[0].message.content; is this an OpenAI-compatible endpoint?`, true);
    return content;
  }

  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** Reads at most `maxBytes` of the body, stopping the download as soon as it grows past that. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new TeacherError(`the answer is larger than ${maxBytes} bytes`, false);
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}

function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, RETRY_AFTER_MAX_MS) : undefined;
}
