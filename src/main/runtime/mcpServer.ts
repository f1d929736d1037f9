/**
 * A connection to one local MCP server over stdio, through the official SDK's `Client` and
 * `StdioClientTransport`: start it, list its tools, call them, close it.
 *
 * The server is an untrusted program the user chose to run. It is spawned without a shell, with a small
 * environment (the SDK's default set plus LANG and the user's own variables), its stderr kept as a short tail
 * for error messages, its answers capped, and the schemas it sends never compiled here (the SDK's output
 * validation is switched off: we only read text content, and a hostile schema must not block main).
 */
import { StringDecoder } from 'node:string_decoder';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import packageJson from '../../../package.json';
import { TOOL_RESULT_MAX_CHARS, TOOL_TIMEOUT_DEFAULT_MS, TOOL_TIMEOUT_MAX_MS } from '../../shared/chat/bindings';
import { ToolTuneError, errorMessage } from '../../shared/errors';
import { MAX_TOOLS } from '../../shared/tools/limits';

export interface McpServerConfig {
  /** The executable: an absolute path, or a name looked up on PATH. Run directly, never through a shell. */
  command: string;
  args: string[];
  /** Added to the minimal environment (and overriding it). */
  env?: Record<string, string>;
  /** Working directory; default: this process's. */
  cwd?: string;
}

export interface McpStartOptions {
  /** How long the server has to start and answer `initialize`. Default 20 000 ms. */
  timeoutMs?: number;
  /** How many characters of the server's stderr are kept for error messages. Default 4096. */
  stderrLimit?: number;
}

export interface McpRequestOptions {
  /** Default: TOOL_TIMEOUT_DEFAULT_MS for calls, LIST_TIMEOUT_MS for listing; at most TOOL_TIMEOUT_MAX_MS. */
  timeoutMs?: number;
  /** Aborting rejects with the signal's reason and tells the server to cancel the request. */
  signal?: AbortSignal;
}

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The server's `annotations.readOnlyHint === true`; a hint, as the server describes itself. */
  readOnly: boolean;
}

export interface McpToolResult {
  /** The text parts joined by newlines, other parts as short placeholders, capped at TOOL_RESULT_MAX_CHARS. */
  text: string;
  /** The server reported a failure (`isError`), or answered the call with a JSON-RPC error. */
  isError: boolean;
  truncated: boolean;
}

const CONNECT_TIMEOUT_DEFAULT_MS = 20_000;
const STDERR_LIMIT_DEFAULT = 4096;
const LIST_TIMEOUT_MS = 30_000;
/** The largest JSON-RPC message read from the server (the SDK's default is 10 MB). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** The SDK's close: end stdin, up to 2 s, SIGTERM, up to 2 s, SIGKILL (without waiting for it). */
const SDK_CLOSE_MS = 4000;
/** How long close() waits for the process to be gone after that sequence. */
const EXIT_WAIT_MS = 3000;
const TRUNCATION_MARK = '\n[truncated]';

/**
 * Accepts every structured result: we never read `structuredContent` against a schema, and compiling the
 * server's output schemas with ajv in main is exactly what GUIDE §6 rules out for hostile schemas.
 */
const skipOutputValidation: jsonSchemaValidator = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

export class McpServerConnection implements AsyncDisposable {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly client: Client,
    private readonly transport: StdioClientTransport,
    private readonly commandLine: string,
    private readonly stderr: StderrTail,
    private readonly serverProcess: ProcessState,
  ) {}

  /**
   * Spawns the server and completes the MCP handshake. A command that is missing, exits at once or does not
   * answer within `timeoutMs` is `unavailable`, with the command and the tail of its stderr in the message;
   * the process is gone by the time the promise rejects.
   */
  static async start(config: McpServerConfig, options: McpStartOptions = {}): Promise<McpServerConnection> {
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_DEFAULT_MS;
    const commandLine = describeCommand({ command: config.command, args: config.args });
    const stderr = new StderrTail(options.stderrLimit ?? STDERR_LIMIT_DEFAULT);
    const lang = process.env['LANG'];
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      // The SDK always starts from getDefaultEnvironment() (POSIX: HOME, LOGNAME, PATH, SHELL, TERM, USER;
      // Windows: its system folders and PATH) and spreads this over it.
      env: { ...(lang === undefined ? {} : { LANG: lang }), ...config.env },
      ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
      stderr: 'pipe',
      maxBufferSize: MAX_MESSAGE_BYTES,
    });
    // The SDK hands out the stderr stream before the spawn, so nothing early is lost.
    const stderrStream = transport.stderr;
    const stderrEnded = new Promise<void>((resolve) => {
      if (stderrStream === null) return resolve();
      stderrStream.on('data', (chunk: Buffer) => stderr.append(chunk));
      stderrStream.once('end', resolve);
      stderrStream.once('error', () => resolve());
    });
    // Set before connect(): the SDK chains its own handler after this one. Fires when the process is gone.
    const state: ProcessState = { exited: false, gone: Promise.resolve(), firstError: null };
    state.gone = new Promise<void>((resolve) => {
      transport.onclose = () => {
        state.exited = true;
        resolve();
      };
    });
    // Transport trouble (a message over the size cap, junk on stdout, a broken pipe), kept to explain a server
    // that is gone. The first one: after an oversized message the SDK goes on parsing the rest of it as junk.
    transport.onerror = (error) => (state.firstError ??= error.message.slice(0, 300));

    const client = new Client({ name: 'tooltune', version: packageJson.version }, { capabilities: {}, jsonSchemaValidator: skipOutputValidation });
    try {
      await client.connect(transport, { timeout: timeoutMs });
    } catch (error) {
      // The SDK has already begun closing (and forgotten the pid); wait until the process is really gone.
      const syscall = (error as { syscall?: unknown } | null)?.syscall;
      const neverSpawned = typeof syscall === 'string' && syscall.startsWith('spawn');
      await client.close().catch(() => undefined);
      if (!neverSpawned) await settleWithin(state.gone, SDK_CLOSE_MS + EXIT_WAIT_MS);
      await settleWithin(stderrEnded, 500);
      throw new ToolTuneError('unavailable', withStderr(startFailure(commandLine, error, timeoutMs), stderr.text()));
    }
    return new McpServerConnection(client, transport, commandLine, stderr, state);
  }

  /** The server process's id while it runs. */
  get pid(): number | null {
    return this.transport.pid;
  }

  /** The last `stderrLimit` characters the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderr.text();
  }

  /** Whether close() was called or the process ended on its own. */
  get closed(): boolean {
    return this.closing !== null || this.serverProcess.exited;
  }

  /** Every tool the server offers, all pages; more than MAX_TOOLS is `too-large`. */
  async listTools(options: McpRequestOptions = {}): Promise<McpToolInfo[]> {
    return (await this.fetchTools(options)).map((tool) => ({
      name: tool.name,
      description: tool.description ?? '',
      inputSchema: tool.inputSchema,
      readOnly: tool.annotations?.readOnlyHint === true,
    }));
  }

  /** The server's `tools/list` result, all pages in one `{"tools":[...]}`, as the MCP tool-list importer reads it. */
  async toolsListJson(options: McpRequestOptions = {}): Promise<string> {
    return JSON.stringify({ tools: await this.fetchTools(options) }, null, 2);
  }

  /**
   * Calls one tool. A failure the server reports (`isError`, or a JSON-RPC error for this call) comes back as
   * `isError: true` with its message, for the model to read; a server that is gone is `unavailable`, no answer
   * in time is `timeout`, and an aborted signal rejects with its reason.
   */
  async callTool(name: string, args: Record<string, unknown>, options: McpRequestOptions = {}): Promise<McpToolResult> {
    const timeoutMs = clampTimeout(options.timeoutMs ?? TOOL_TIMEOUT_DEFAULT_MS);
    let result: CallToolResult;
    try {
      result = (await this.request(options, timeoutMs, (requestOptions) =>
        this.client.callTool({ name, arguments: args }, undefined, requestOptions),
      )) as CallToolResult;
    } catch (error) {
      if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed && error.code !== ErrorCode.RequestTimeout) {
        return capText(error.message, true);
      }
      throw this.requestFailure(`tool "${name}"`, error, timeoutMs, options.signal);
    }
    return capText(resultText(result), result.isError === true);
  }

  /**
   * Ends the server: closes its stdin, then SIGTERM, then SIGKILL (the SDK's sequence, about 4 s at worst),
   * and waits until the process is gone. Idempotent. A server's own children that ignore the closed stdin are
   * not reached: the SDK does not start the server in its own process group.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.client.close().catch(() => undefined);
      await settleWithin(this.serverProcess.gone, EXIT_WAIT_MS);
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async fetchTools(options: McpRequestOptions): Promise<Tool[]> {
    const timeoutMs = clampTimeout(options.timeoutMs ?? LIST_TIMEOUT_MS);
    const tools: Tool[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    try {
      do {
        const params = cursor === undefined ? undefined : { cursor };
        const page = await this.request(options, timeoutMs, (requestOptions) => this.client.listTools(params, requestOptions));
        tools.push(...page.tools);
        if (tools.length > MAX_TOOLS) throw new ToolTuneError('too-large', `the MCP server ${this.commandLine} offers more than ${MAX_TOOLS} tools`);
        cursor = page.nextCursor;
        // A server that hands out the same cursor again would page forever.
        if (cursor !== undefined && seenCursors.has(cursor)) throw new ToolTuneError('invalid-input', `the MCP server ${this.commandLine} repeated a tools/list cursor`);
        if (cursor !== undefined) seenCursors.add(cursor);
      } while (cursor !== undefined);
    } catch (error) {
      if (error instanceof ToolTuneError) throw error;
      throw this.requestFailure('tools/list', error, timeoutMs, options.signal);
    }
    return tools;
  }

  /**
   * Runs one SDK request with the timeout and a per-request signal linked to the caller's, so a long-lived
   * caller signal does not collect one listener per request (the SDK never removes its own).
   */
  private async request<T>(options: McpRequestOptions, timeoutMs: number, send: (requestOptions: { timeout: number; signal: AbortSignal }) => Promise<T>): Promise<T> {
    if (this.closing !== null) throw new ToolTuneError('unavailable', `the MCP server ${this.commandLine} was closed`);
    const outer = options.signal;
    outer?.throwIfAborted();
    const controller = new AbortController();
    const forward = (): void => controller.abort(outer?.reason);
    outer?.addEventListener('abort', forward, { once: true });
    try {
      return await send({ timeout: timeoutMs, signal: controller.signal });
    } finally {
      outer?.removeEventListener('abort', forward);
    }
  }

  private requestFailure(what: string, error: unknown, timeoutMs: number, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    if (error instanceof ToolTuneError) return error;
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new ToolTuneError('timeout', `${what} on the MCP server ${this.commandLine} gave no answer within ${seconds(timeoutMs)}`);
    }
    const gone = this.closed || (error instanceof McpError && error.code === ErrorCode.ConnectionClosed);
    const firstError = this.serverProcess.firstError;
    const reason = gone ? `the server is no longer running${firstError === null ? '' : ` (${firstError})`}` : errorMessage(error);
    return new ToolTuneError('unavailable', withStderr(`${what} failed on the MCP server ${this.commandLine}: ${reason}`, this.stderr.text()));
  }
}

/**
 * The command line as a POSIX shell would read it, for the user to check before the first start: variables
 * first (`NAME=value`), then the command and its arguments, each quoted where needed. Display only: the server
 * is never run through a shell.
 */
export function describeCommand(config: Pick<McpServerConfig, 'command' | 'args' | 'env'>): string {
  const assignments = Object.entries(config.env ?? {}).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return [...assignments, shellQuote(config.command), ...config.args.map(shellQuote)].join(' ');
}

/** `'…'` unless the word is made only of characters no POSIX shell treats specially; `'` becomes `'\''`. */
function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Text parts as they are, anything else as a short placeholder; structured content only when nothing else came. */
function resultText(result: CallToolResult): string {
  const parts = result.content.map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'image':
      case 'audio':
        return `[${part.mimeType}, ${Buffer.byteLength(part.data, 'base64')} bytes]`;
      case 'resource_link':
        return `[link: ${part.uri}${part.mimeType === undefined ? '' : `, ${part.mimeType}`}]`;
      case 'resource': {
        const resource = part.resource;
        if ('text' in resource && typeof resource.text === 'string') return resource.text;
        const blob = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
        return `[${resource.mimeType ?? 'resource'}, ${Buffer.byteLength(blob, 'base64')} bytes: ${resource.uri}]`;
      }
      default:
        return `[${String((part as { type?: unknown }).type)}]`;
    }
  });
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

function capText(text: string, isError: boolean): McpToolResult {
  if (text.length <= TOOL_RESULT_MAX_CHARS) return { text, isError, truncated: false };
  let end = TOOL_RESULT_MAX_CHARS - TRUNCATION_MARK.length;
  // Never split a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end) + TRUNCATION_MARK, isError, truncated: true };
}

function startFailure(commandLine: string, error: unknown, timeoutMs: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `the MCP server command was not found: ${commandLine}`;
  if (code === 'EACCES') return `the MCP server command is not executable: ${commandLine}`;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return `the MCP server ${commandLine} did not answer within ${seconds(timeoutMs)}`;
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return `the MCP server ${commandLine} exited before it answered`;
  }
  return `the MCP server ${commandLine} could not start: ${errorMessage(error)}`;
}

function withStderr(message: string, tail: string): string {
  const trimmed = tail.trim();
  return trimmed === '' ? message : `${message}\nIts last output:\n${trimmed}`;
}

function clampTimeout(ms: number): number {
  return Math.min(Math.max(Math.round(ms), 1), TOOL_TIMEOUT_MAX_MS);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Resolves when `promise` settles or after `ms`, whichever is first. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

interface ProcessState {
  /** Set synchronously when the transport reports the process gone. */
  exited: boolean;
  gone: Promise<void>;
  firstError: string | null;
}

/** The last `limit` characters of a byte stream, decoded as UTF-8 across chunk boundaries. */
class StderrTail {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  constructor(private readonly limit: number) {}

  append(chunk: Buffer): void {
    this.tail = (this.tail + this.decoder.write(chunk)).slice(-this.limit);
  }

  text(): string {
    return this.tail;
  }
}
