/**
 * An OpenAI-compatible `/chat/completions` endpoint (llama-server, Ollama, vLLM, a hosted API): the URL checks,
 * one POST with a timeout and a cap on the answer's size, retries on 429 and 5xx, and errors that say what
 * happened without the API key. Used by the teacher (Data step) and by evaluations of a served model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../shared/errors';

export interface EndpointOptions {
  /** e.g. `http://gpu-box:8080/v1`; `/chat/completions` is appended. Only http and https. */
  baseUrl: string;
  /** Sent as a bearer token; never logged, never part of an error message. */
  apiKey?: string;
  /** Per request, body included. Default 120 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 1 MB. */
  maxResponseBytes?: number;
  /** Retries after 429 or 5xx. Default 4. */
  retries?: number;
  /** First retry delay, doubled each time (a `Retry-After` header wins, up to 30 s). Default 1 s. */
  backoffMs?: number;
}

const RETRY_AFTER_MAX_MS = 30_000;
const ERROR_TEXT_MAX = 300;

/** `fatal`: the endpoint cannot work at all (unreachable, refused); otherwise only this answer failed (too large, too slow). */
export class EndpointError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** The chat-completions URL of a base URL, or a clear error for anything but plain http(s). */
export function chatCompletionsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EndpointError(`"${baseUrl.slice(0, 200)}" is not a URL`, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EndpointError(`only http and https endpoints are supported, not ${url.protocol}`, true);
  if (url.username || url.password) throw new EndpointError('put the API key in its own field, not in the URL', true);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  url.search = '';
  url.hash = '';
  return url;
}

export class ChatCompletionsClient {
  readonly url: URL;

  constructor(private readonly options: EndpointOptions) {
    this.url = chatCompletionsUrl(options.baseUrl);
  }

  /**
   * POSTs `body()` and answers the body text of the first 2xx answer. 429 and 5xx are retried with backoff; for
   * another refusal, `onRefused(status)` may return true to send again at once (with what `body()` gives then).
   */
  async complete(body: () => string, signal: AbortSignal, onRefused?: (status: number) => boolean): Promise<string> {
    const retries = this.options.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.post(body(), signal);
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      if (onRefused?.(answer.status)) {
        attempt--;
        continue;
      }
      const detail = `${this.url.origin} answered HTTP ${answer.status}: ${this.redact(answer.body.slice(0, ERROR_TEXT_MAX))}`;
      if ((answer.status === 429 || answer.status >= 500) && attempt < retries) {
        await sleep(answer.retryAfterMs ?? (this.options.backoffMs ?? 1000) * 2 ** attempt, undefined, { signal });
        continue;
      }
      throw new EndpointError(attempt > 0 ? `${detail} (after ${attempt} retries)` : detail, true);
    }
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
      if (timeout.aborted) throw new EndpointError(`${this.url.origin} gave no complete answer within ${timeoutMs / 1000} s`, false);
      if (error instanceof EndpointError) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new EndpointError(`could not reach ${this.url.origin}: ${cause?.code ?? cause?.message ?? errorMessage(error)}`, true);
    }
  }

  redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

/** Reads at most `maxBytes` of the body, stopping the download as soon as it grows past that. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new EndpointError(`the answer is larger than ${maxBytes} bytes`, false);
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
