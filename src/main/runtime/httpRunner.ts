/**
 * Runs an HTTP tool: one request to the origin the user configured, built from the tool call's arguments as the
 * binding places them (path, query, header, body). Redirects are followed only within that origin, the answer
 * is read up to a cap, and secret values never appear in what is returned or thrown.
 */
import type { HttpRuntimeBinding } from '../../shared/chat/bindings';
import { TOOL_TIMEOUT_DEFAULT_MS, TOOL_TIMEOUT_MAX_MS } from '../../shared/chat/bindings';
import { ToolTuneError, errorMessage } from '../../shared/errors';
import { redactSecrets } from './secretStore';

const HTTP_RESPONSE_MAX_BYTES_DEFAULT = 1024 * 1024;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export interface HttpToolOptions {
  /** The secret store's lookup, by secret name. */
  secrets: (name: string) => string | undefined;
  /** Default: the binding's `timeoutMs`, else TOOL_TIMEOUT_DEFAULT_MS; at most TOOL_TIMEOUT_MAX_MS. Covers redirects and the body. */
  timeoutMs?: number;
  /** The body is read up to this many bytes, then the download stops. Default: 1 MB. */
  maxResponseBytes?: number;
  /** Aborting stops the request; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

export interface HttpToolResult {
  /** Any status, 4xx and 5xx included: the model learns from an error answer too. */
  status: number;
  contentType: string | null;
  body: string;
  truncated: boolean;
  ms: number;
  /** The URL finally answered, secret values redacted. */
  url: string;
}

interface PreparedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** Resolved secret values, to redact. */
  secrets: string[];
}

export async function runHttpTool(binding: HttpRuntimeBinding, args: Record<string, unknown>, options: HttpToolOptions): Promise<HttpToolResult> {
  const started = performance.now();
  const request = prepare(binding, args, options.secrets);
  const redact = (text: string) => redactSecrets(text, request.secrets);
  const timeoutMs = Math.min(options.timeoutMs ?? binding.timeoutMs ?? TOOL_TIMEOUT_DEFAULT_MS, TOOL_TIMEOUT_MAX_MS);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const origin = request.url.origin;
  try {
    const { response, url } = await fetchWithinOrigin(request, options.fetch ?? fetch, signal);
    const { body, truncated } = await readCapped(response, options.maxResponseBytes ?? HTTP_RESPONSE_MAX_BYTES_DEFAULT);
    return { status: response.status, contentType: response.headers.get('content-type'), body: redact(body), truncated, ms: Math.round(performance.now() - started), url: redact(url.href) };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) throw new ToolTuneError('timeout', `${origin} gave no complete answer within ${timeoutMs / 1000} s`);
    if (error instanceof ToolTuneError) throw new ToolTuneError(error.code, redact(error.message));
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ToolTuneError('unavailable', redact(`Could not reach ${origin}: ${cause?.code ?? cause?.message ?? errorMessage(error)}`));
  }
}

/** An HTTP binding's base URL: http or https, without credentials (URLs are shown and logged). Checked when a binding is saved and when it runs. */
export function parseBaseUrl(baseUrl: string): URL {
  const invalid = (message: string) => new ToolTuneError('invalid-input', message);
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw invalid(`The base URL ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalid(`The base URL must be http or https, not ${base.protocol}`);
  if (base.username || base.password) throw invalid('The base URL may not hold credentials; put them in a header with a secret');
  return base;
}

function prepare(binding: HttpRuntimeBinding, args: Record<string, unknown>, lookUp: (name: string) => string | undefined): PreparedRequest {
  const invalid = (message: string) => new ToolTuneError('invalid-input', message);
  const base = parseBaseUrl(binding.baseUrl);

  const placed = (where: string) => binding.params.filter((param) => param.in === where && args[param.name] !== undefined && args[param.name] !== null);
  const path = binding.pathTemplate.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const param = binding.params.find((candidate) => candidate.in === 'path' && candidate.originalName === name);
    const value = param && args[param.name];
    if (value === undefined || value === null) throw invalid(`The path parameter "${param?.name ?? name}" is missing`);
    return encodeURIComponent(asText(value));
  });
  // encodeURIComponent keeps dots, and the URL parser would resolve a `..` segment: a way out of the base path.
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) throw invalid('A path parameter may not be "." or ".."');
  const url = new URL(base.origin);
  url.pathname = base.pathname.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  url.search = base.search;
  for (const param of placed('query')) {
    const value = args[param.name];
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(param.originalName, asText(item));
  }

  const headers = new Headers();
  const setHeader = (name: string, value: string) => {
    try {
      headers.set(name, value);
    } catch {
      // The platform's message quotes the value, which may be a secret.
      throw invalid(`The header "${name}" has an invalid name or value`);
    }
  };
  for (const param of placed('header')) setHeader(param.originalName, asText(args[param.name]));
  // The configured headers come last: a tool call cannot replace the user's Authorization.
  const secrets: string[] = [];
  for (const header of binding.headers ?? []) {
    let value = header.value ?? '';
    if (header.secret !== undefined) {
      const secret = lookUp(header.secret);
      if (secret === undefined) throw new ToolTuneError('not-found', `The secret "${header.secret}" (for the header ${header.name}) is not set`);
      secrets.push(secret);
      value = secret;
    }
    setHeader(header.name, value);
  }

  // json-object: an object of the body arguments given (none given: no body); else the one body argument is the body.
  const given = placed('body');
  let bodyValue: unknown;
  if (binding.bodyMode !== 'json-object') bodyValue = given[0] && args[given[0].name];
  else if (given.length > 0) bodyValue = Object.fromEntries(given.map((param) => [param.originalName, args[param.name]]));
  const body = bodyValue === undefined ? undefined : JSON.stringify(bodyValue);
  if (body !== undefined && (binding.method === 'GET' || binding.method === 'HEAD')) throw invalid(`A ${binding.method} request cannot carry a body`);
  if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return { url, method: binding.method, headers, body, secrets: secrets.filter((secret) => secret !== '') };
}

/** Sends the request, following up to MAX_REDIRECTS redirects that stay on the request's origin. */
async function fetchWithinOrigin(request: PreparedRequest, fetchImpl: typeof fetch, signal: AbortSignal): Promise<{ response: Response; url: URL }> {
  let { url, method, body } = request;
  for (let redirects = 0; ; redirects++) {
    const response = await fetchImpl(url, { method, headers: request.headers, body, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, url };
    await response.body?.cancel();
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ToolTuneError('unavailable', `${url.origin} redirected to an invalid location`);
    }
    if (next.origin !== request.url.origin) throw new ToolTuneError('unavailable', `${request.url.origin} redirected to another origin: ${next.origin}; only ${request.url.origin} is reached`);
    if (redirects === MAX_REDIRECTS) throw new ToolTuneError('unavailable', `${request.url.origin} redirected more than ${MAX_REDIRECTS} times`);
    // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
    }
    url = next;
  }
}

/** The first `maxBytes` of the body; a character cut in half by the cap is left out rather than garbled. */
async function readCapped(response: Response, maxBytes: number): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: body + decoder.decode(), truncated: false };
    if (size + value.byteLength > maxBytes) {
      body += decoder.decode(value.subarray(0, maxBytes - size), { stream: true });
      await reader.cancel();
      return { body, truncated: true };
    }
    size += value.byteLength;
    body += decoder.decode(value, { stream: true });
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
