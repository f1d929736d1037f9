import { BUILTIN_TOOLS, TOOL_POLICIES, TOOL_TIMEOUT_MAX_MS, type RuntimeBinding, type ToolPolicy } from '../chat/bindings';
import type { JsonSchemaObject } from '../tools/types';
import { event, method, schema } from './spec';

/** One project tool with how it runs. */
export interface ToolRuntimeInfo {
  toolId: string;
  name: string;
  binding: RuntimeBinding | null;
  policy: ToolPolicy;
  /** Whether the binding cannot change anything (then it may run without asking, and concurrently). */
  readOnly: boolean;
  /** An HTTP binding prefilled from the tool's imported OpenAPI operation, when it has one and none is set. */
  suggested: RuntimeBinding | null;
}

/** Where secrets are kept on this machine: the OS keychain through Electron, or a file only the user can read. */
export type SecretStorageKind = 'safeStorage' | 'file';

export interface McpServerInfo {
  id: string;
  projectId: string;
  name: string;
  command: string;
  args: string[];
  /** The full command line as it will run, shown before the server first starts. */
  commandLine: string;
  /** When the user first confirmed starting it; null: never started. */
  approvedAt: string | null;
  running: boolean;
}

export interface McpToolSummary {
  name: string;
  description: string;
  readOnly: boolean;
}

export interface ToolRunResult {
  /** What the model gets back (capped). */
  content: string;
  ok: boolean;
  /** Workspace-relative paths the call wrote. */
  files: string[];
  ms: number;
  /** allowed by policy, approved by the user, or refused (then nothing ran). */
  decision: 'allowed' | 'approved' | 'denied';
}

export interface WorkspaceFile {
  path: string;
  content: string;
  truncated: boolean;
}

const id = schema.id();
const toolName = schema.string(256, 1);
const shortText = schema.string(2000);
const timeoutMs = { type: 'integer', minimum: 100, maximum: TOOL_TIMEOUT_MAX_MS };
const argumentName = schema.string(256, 1);
const paramPlacement = schema.object({ name: argumentName, in: { enum: ['path', 'query', 'header', 'body'] }, originalName: schema.string(256, 1) });

/** Every binding shape, checked in main before it is stored (the renderer is untrusted). */
export const RUNTIME_BINDING_SCHEMA: JsonSchemaObject = {
  oneOf: [
    schema.object(
      {
        kind: { const: 'builtin' },
        builtin: { enum: [...BUILTIN_TOOLS] },
        pathArgument: argumentName,
        contentArgument: argumentName,
        expressionArgument: argumentName,
        pathFrom: { enum: ['path', 'title'] },
      },
      ['kind', 'builtin'],
    ),
    schema.object(
      {
        kind: { const: 'http' },
        baseUrl: { type: 'string', maxLength: 2048, pattern: '^https?://' },
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
        pathTemplate: schema.string(2048),
        params: { type: 'array', items: paramPlacement, maxItems: 500 },
        bodyMode: { const: 'json-object' },
        headers: {
          type: 'array',
          maxItems: 50,
          items: { ...schema.object({ name: { type: 'string', pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,128}$' }, value: schema.string(8192), secret: schema.string(128, 1) }, ['name']) },
        },
        timeoutMs,
      },
      ['kind', 'baseUrl', 'method', 'pathTemplate', 'params'],
    ),
    schema.object({ kind: { const: 'script' }, command: schema.string(4096, 1), args: { type: 'array', items: shortText, maxItems: 64 }, timeoutMs }, ['kind', 'command']),
    schema.object({ kind: { const: 'mcp' }, serverId: id, tool: toolName, readOnly: { type: 'boolean' } }, ['kind', 'serverId', 'tool']),
    schema.object({ kind: { const: 'mock' }, mode: { enum: ['fixed', 'example'] }, response: schema.string(100_000) }, ['kind', 'mode']),
  ],
};

export const runtimeContract = {
  /** Every tool of the project with its binding and policy. */
  list: method<{ projectId: string }, ToolRuntimeInfo[]>(schema.object({ projectId: id })),
  set: method<{ projectId: string; toolId: string; binding: RuntimeBinding | null; policy: ToolPolicy }, ToolRuntimeInfo>(
    schema.object({ projectId: id, toolId: id, binding: { oneOf: [{ type: 'null' }, RUNTIME_BINDING_SCHEMA] }, policy: { enum: [...TOOL_POLICIES] } }),
  ),
  /**
   * Runs one tool through its binding with the same policy, workspace jail and log as the chat. `approved`: the
   * caller showed the full arguments and the user said yes (needed for "ask"; never overrides "deny").
   */
  run: method<{ projectId: string; tool: string; arguments: Record<string, unknown>; approved?: boolean }, ToolRunResult>(
    schema.object({ projectId: id, tool: toolName, arguments: { type: 'object' }, approved: { type: 'boolean' } }, ['projectId', 'tool', 'arguments']),
  ),
  /** Names of the project's secrets (never their values) and where they are kept. */
  listSecrets: method<{ projectId: string }, { names: string[]; storage: SecretStorageKind }>(schema.object({ projectId: id })),
  /** `value: null` deletes the secret. */
  setSecret: method<{ projectId: string; name: string; value: string | null }, { names: string[]; storage: SecretStorageKind }>(
    schema.object({ projectId: id, name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' }, value: { oneOf: [{ type: 'null' }, schema.string(16_384, 1)] } }),
  ),
  /** A file of the project's workspace as text, read-only (how serve mode opens what a tool wrote). */
  readWorkspaceFile: method<{ projectId: string; path: string }, WorkspaceFile>(schema.object({ projectId: id, path: schema.string(1024, 1) })),
  /** Opens a workspace file with the system's opener (desktop app only). */
  openWorkspaceFile: method<{ projectId: string; path: string }, { opened: boolean }>(schema.object({ projectId: id, path: schema.string(1024, 1) })),
  listMcpServers: method<{ projectId: string }, McpServerInfo[]>(schema.object({ projectId: id })),
  /** Adds a server by its command; nothing starts until `startMcpServer` with the user's confirmation. */
  addMcpServer: method<{ projectId: string; name: string; command: string; args: string[] }, McpServerInfo>(
    schema.object({ projectId: id, name: schema.string(120, 1), command: schema.string(4096, 1), args: { type: 'array', items: schema.string(4096), maxItems: 64 } }),
  ),
  deleteMcpServer: method<{ serverId: string }, { deleted: true }>(schema.object({ serverId: id })),
  /** Starts the server (`confirmed`: the user saw its full command line) and lists its tools. */
  startMcpServer: method<{ serverId: string; confirmed: boolean }, { server: McpServerInfo; tools: McpToolSummary[] }>(schema.object({ serverId: id, confirmed: { type: 'boolean' } })),
  /** Imports the running server's tools into the project (the normal MCP import and validation) and binds them to it. */
  importMcpTools: method<{ serverId: string; names?: string[] }, { imported: string[] }>(
    schema.object({ serverId: id, names: { type: 'array', items: toolName, maxItems: 1000 } }, ['serverId']),
  ),
  didChange: event<{ projectId: string }>(),
};
