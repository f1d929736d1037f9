/**
 * How a tool really runs in the Test step's chat and in `tools run`: its runtime binding and its approval
 * policy, set per tool. Plain JSON, stored per tool in SQLite; secrets are referenced by name only and
 * live in the secret store (never in the database, exports or logs).
 */
import type { HttpMethod, ParamLocation } from '../tools/types';

/** allow: runs at once; ask: the user sees the full arguments and approves or denies; deny: never runs. */
export const TOOL_POLICIES = ['allow', 'ask', 'deny'] as const;
export type ToolPolicy = (typeof TOOL_POLICIES)[number];

export const BUILTIN_TOOLS = [
  'write_file',
  'append_file',
  'read_file',
  'list_files',
  'datetime',
  'calculator',
  'demo_weather',
  'demo_currency',
] as const;
export type BuiltinTool = (typeof BUILTIN_TOOLS)[number];

/** Built-ins without side effects: they may default to allow and run concurrently. */
export const READ_ONLY_BUILTINS: ReadonlySet<BuiltinTool> = new Set(['read_file', 'list_files', 'datetime', 'calculator', 'demo_weather', 'demo_currency']);

export interface BuiltinBinding {
  kind: 'builtin';
  builtin: BuiltinTool;
  /**
   * Which argument names the file, the content and the expression (file tools and the calculator), so a user's
   * own tool (`save_story(title, content)`) binds without renaming its parameters. Defaults: `path`, `content`,
   * `expression`.
   */
  pathArgument?: string;
  contentArgument?: string;
  expressionArgument?: string;
  /**
   * `title`: the path argument is a title, turned into one safe file name (`A Robot's Day` → `A Robot's Day.txt`);
   * `path`: a relative path inside the workspace (folders allowed).
   */
  pathFrom?: 'path' | 'title';
}

export interface HttpHeader {
  name: string;
  /** A literal value, or `secret`: the name of a secret in the secret store. */
  value?: string;
  secret?: string;
}

export interface HttpRuntimeBinding {
  kind: 'http';
  /** Only this origin is ever reached; the path template is appended to its path. */
  baseUrl: string;
  method: HttpMethod;
  pathTemplate: string;
  params: { name: string; in: ParamLocation; originalName: string }[];
  bodyMode?: 'json-object';
  headers?: HttpHeader[];
  timeoutMs?: number;
}

export interface ScriptBinding {
  kind: 'script';
  /** An absolute path to an executable; run with execFile (no shell), the arguments as JSON on stdin. */
  command: string;
  args?: string[];
  timeoutMs?: number;
}

export interface McpBinding {
  kind: 'mcp';
  serverId: string;
  /** The tool's name on that server. */
  tool: string;
  /** From the server's `annotations.readOnlyHint`. */
  readOnly?: boolean;
}

export interface MockBinding {
  kind: 'mock';
  /** `fixed`: always `response`; `example`: a value built from the tool's schema (examples, defaults, enums). */
  mode: 'fixed' | 'example';
  response?: string;
}

export type RuntimeBinding = BuiltinBinding | HttpRuntimeBinding | ScriptBinding | McpBinding | MockBinding;

export interface ToolRuntime {
  binding: RuntimeBinding | null;
  policy: ToolPolicy;
}

/** Whether a binding can change anything outside the conversation (then "ask" is its default). */
export function isReadOnlyBinding(binding: RuntimeBinding | null): boolean {
  if (binding === null) return true;
  switch (binding.kind) {
    case 'builtin':
      return READ_ONLY_BUILTINS.has(binding.builtin);
    case 'mock':
      return true;
    case 'mcp':
      return binding.readOnly === true;
    case 'http':
    case 'script':
      // A private API or a script may change anything, whatever its method says.
      return false;
  }
}

export function defaultPolicy(binding: RuntimeBinding | null): ToolPolicy {
  return isReadOnlyBinding(binding) ? 'allow' : 'ask';
}

/** Caps every executor applies to what a tool returns to the model and the log. */
export const TOOL_RESULT_MAX_CHARS = 32_000;
export const TOOL_TIMEOUT_DEFAULT_MS = 30_000;
export const TOOL_TIMEOUT_MAX_MS = 600_000;
