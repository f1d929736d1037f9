import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import type { Database } from 'better-sqlite3';
import { defaultPolicy, isReadOnlyBinding, type RuntimeBinding, type ToolPolicy } from '../../shared/chat/bindings';
import type { Contract } from '../../shared/contract';
import type { McpServerInfo, McpToolSummary, SecretStorageKind, ToolRunResult, ToolRuntimeInfo, WorkspaceFile } from '../../shared/contract/runtime';
import type { ServiceImpl } from '../../shared/contract/spec';
import type { StoredTool } from '../../shared/contract/tools';
import { ToolTuneError } from '../../shared/errors';
import { workspaceDir } from '../paths';
import { parseBaseUrl } from '../runtime/httpRunner';
import { describeCommand, McpServerConnection, type McpServerConfig } from '../runtime/mcpServer';
import type { SecretStore } from '../runtime/secretStore';
import { runtimeOf, ToolRunner } from '../runtime/toolRunner';
import { readWorkspaceFile, resolveInWorkspace, WorkspacePathError } from '../runtime/workspaceFiles';
import type { EventHub } from '../transport/eventHub';
import type { ProjectService } from './projects';
import type { ToolService } from './tools';

/** What a workspace file may be to open with the system's opener: text and documents, nothing that runs. */
const OPENABLE_EXTENSIONS: ReadonlySet<string> = new Set(['.txt', '.md', '.markdown', '.json', '.jsonl', '.csv', '.tsv', '.log', '.yaml', '.yml', '.xml', '.pdf', '.png', '.jpg', '.jpeg', '.gif', '.webp']);

interface McpServerRow {
  id: string;
  project_id: string;
  name: string;
  command: string;
  args_json: string;
  approved_at: string | null;
}

/**
 * How the project's tools really run: bindings and policies, secrets, MCP servers, the workspace folder. Owns the
 * tool runner the chat uses, so Try, `tools run` and the chat share one policy, jail and log.
 */
export class RuntimeService implements ServiceImpl<Contract['runtime']> {
  readonly runner: ToolRunner;
  private readonly connections = new Map<string, Promise<McpServerConnection>>();

  constructor(
    private readonly db: Database,
    private readonly projects: ProjectService,
    private readonly tools: ToolService,
    private readonly secrets: SecretStore,
    private readonly events: EventHub,
    private readonly options: { dataDir: string; openPath?: (path: string) => Promise<void> },
  ) {
    this.runner = new ToolRunner({
      db,
      tools: (projectId) => tools.list({ projectId }),
      workspaceDir: (projectId) => workspaceDir(options.dataDir, projectId),
      secrets,
      mcp: (serverId) => this.connection(serverId, false),
      onChange: (projectId, conversationId) => {
        if (conversationId !== null) events.emit('chat', 'didChange', { projectId, conversationId });
      },
    });
  }

  list({ projectId }: { projectId: string }): ToolRuntimeInfo[] {
    return this.tools.list({ projectId }).map((tool) => this.info(tool));
  }

  set({ projectId, toolId, binding, policy }: { projectId: string; toolId: string; binding: RuntimeBinding | null; policy: ToolPolicy }): ToolRuntimeInfo {
    const tool = this.tool(projectId, toolId);
    if (binding?.kind === 'mcp') this.server(binding.serverId, projectId);
    if (binding?.kind === 'http') parseBaseUrl(binding.baseUrl);
    this.db
      .prepare('INSERT INTO tool_runtimes (tool_id, binding_json, policy, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(tool_id) DO UPDATE SET binding_json = excluded.binding_json, policy = excluded.policy, updated_at = excluded.updated_at')
      .run(tool.id, binding ? JSON.stringify(binding) : null, policy, new Date().toISOString());
    this.events.emit('runtime', 'didChange', { projectId });
    return this.info(tool);
  }

  async run({ projectId, tool, arguments: args, approved }: { projectId: string; tool: string; arguments: Record<string, unknown>; approved?: boolean }): Promise<ToolRunResult> {
    this.projects.get({ id: projectId });
    const outcome = await this.runner.run({ projectId, conversationId: null, lane: 0, callId: `try_${randomUUID().slice(0, 12)}`, tool, arguments: args }, () => Promise.resolve(approved === true ? 'approved' : 'denied'), new AbortController().signal);
    const decision = outcome.status === 'denied' ? 'denied' : outcome.decision === 'approved' ? 'approved' : 'allowed';
    return { content: outcome.content, ok: outcome.ok, files: outcome.files, ms: outcome.ms, decision };
  }

  listSecrets({ projectId }: { projectId: string }): { names: string[]; storage: SecretStorageKind } {
    this.projects.get({ id: projectId });
    return { names: this.secrets.names(projectId), storage: this.secrets.storage };
  }

  setSecret({ projectId, name, value }: { projectId: string; name: string; value: string | null }): { names: string[]; storage: SecretStorageKind } {
    this.projects.get({ id: projectId });
    this.secrets.set(projectId, name, value);
    this.events.emit('runtime', 'didChange', { projectId });
    return this.listSecrets({ projectId });
  }

  readWorkspaceFile({ projectId, path }: { projectId: string; path: string }): WorkspaceFile {
    this.projects.get({ id: projectId });
    return asInvalidInput(() => readWorkspaceFile(workspaceDir(this.options.dataDir, projectId), path));
  }

  async openWorkspaceFile({ projectId, path }: { projectId: string; path: string }): Promise<{ opened: boolean }> {
    this.projects.get({ id: projectId });
    const absolute = asInvalidInput(() => resolveInWorkspace(workspaceDir(this.options.dataDir, projectId), path));
    // The system's opener runs what it opens: a script or a launcher a model wrote must not start with a click.
    if (!OPENABLE_EXTENSIONS.has(extname(absolute).toLowerCase())) {
      throw new ToolTuneError('invalid-input', `${path} is not a text or document file: it is shown read-only instead of opened with the system's opener.`);
    }
    if (!this.options.openPath) return { opened: false };
    await this.options.openPath(absolute);
    return { opened: true };
  }

  listMcpServers({ projectId }: { projectId: string }): McpServerInfo[] {
    this.projects.get({ id: projectId });
    return (this.db.prepare('SELECT * FROM mcp_servers WHERE project_id = ? ORDER BY created_at').all(projectId) as McpServerRow[]).map((row) => this.serverInfo(row));
  }

  addMcpServer({ projectId, name, command, args }: { projectId: string; name: string; command: string; args: string[] }): McpServerInfo {
    this.projects.get({ id: projectId });
    const id = randomUUID();
    this.db.prepare('INSERT INTO mcp_servers (id, project_id, name, command, args_json, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, projectId, name.trim(), command, JSON.stringify(args), new Date().toISOString());
    this.events.emit('runtime', 'didChange', { projectId });
    return this.serverInfo(this.server(id));
  }

  async deleteMcpServer({ serverId }: { serverId: string }): Promise<{ deleted: true }> {
    const row = this.server(serverId);
    await this.closeConnection(serverId);
    this.db.prepare('DELETE FROM mcp_servers WHERE id = ?').run(serverId);
    this.events.emit('runtime', 'didChange', { projectId: row.project_id });
    return { deleted: true };
  }

  async startMcpServer({ serverId, confirmed }: { serverId: string; confirmed: boolean }): Promise<{ server: McpServerInfo; tools: McpToolSummary[] }> {
    const connection = await this.connection(serverId, confirmed);
    const tools = (await connection.listTools()).map(({ name, description, readOnly }) => ({ name, description, readOnly }));
    return { server: this.serverInfo(this.server(serverId)), tools };
  }

  async importMcpTools({ serverId, names }: { serverId: string; names?: string[] }): Promise<{ imported: string[] }> {
    const row = this.server(serverId);
    const connection = await this.connection(serverId, false);
    const listed = await connection.listTools();
    const text = await connection.toolsListJson();
    const wanted = names ? new Set(names) : null;
    const excludeIndices = wanted ? listed.flatMap((tool, i) => (wanted.has(tool.name) ? [] : [i])) : [];
    const { imported } = await this.tools.commitImport({ projectId: row.project_id, text, fileName: `${row.name}-tools.json`, excludeIndices });
    for (const tool of imported) {
      const readOnly = listed.find((t) => t.name === tool.name)?.readOnly === true;
      const binding: RuntimeBinding = { kind: 'mcp', serverId, tool: tool.name, readOnly };
      this.set({ projectId: row.project_id, toolId: tool.id, binding, policy: defaultPolicy(binding) });
    }
    return { imported: imported.map((tool) => tool.name) };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.closeConnection(id)));
  }

  /** A running server, started on first use only once the user confirmed its command line. */
  private connection(serverId: string, confirmed: boolean): Promise<McpServerConnection> {
    const known = this.connections.get(serverId);
    if (known) return known;
    const row = this.server(serverId);
    if (row.approved_at === null && !confirmed) {
      return Promise.reject(new ToolTuneError('conflict', `The MCP server "${row.name}" has not been started yet: start it once in the Test step to confirm its command (${describeCommand(configOf(row))}).`));
    }
    const started = McpServerConnection.start({ ...configOf(row), cwd: workspaceDir(this.options.dataDir, row.project_id) }, {});
    this.connections.set(serverId, started);
    started.then(
      () => {
        if (row.approved_at === null) this.db.prepare('UPDATE mcp_servers SET approved_at = ? WHERE id = ?').run(new Date().toISOString(), serverId);
        this.events.emit('runtime', 'didChange', { projectId: row.project_id });
      },
      () => this.connections.delete(serverId),
    );
    return started;
  }

  private async closeConnection(serverId: string): Promise<void> {
    const connection = this.connections.get(serverId);
    this.connections.delete(serverId);
    await connection?.then((c) => c.close(), () => undefined);
  }

  private info(tool: StoredTool): ToolRuntimeInfo {
    const runtime = runtimeOf(this.db, tool);
    const suggested: RuntimeBinding | null =
      runtime.binding === null && tool.binding?.kind === 'http'
        ? { kind: 'http', baseUrl: tool.binding.serverUrl ?? '', method: tool.binding.method, pathTemplate: tool.binding.pathTemplate, params: tool.binding.params, ...(tool.binding.bodyMode ? { bodyMode: tool.binding.bodyMode } : {}) }
        : null;
    return { toolId: tool.id, name: tool.name, binding: runtime.binding, policy: runtime.policy, readOnly: isReadOnlyBinding(runtime.binding), suggested };
  }

  private tool(projectId: string, toolId: string): StoredTool {
    const tool = this.tools.list({ projectId }).find((t) => t.id === toolId);
    if (!tool) throw new ToolTuneError('not-found', `No tool ${toolId} in this project.`);
    return tool;
  }

  private server(serverId: string, projectId?: string): McpServerRow {
    const row = this.db.prepare('SELECT * FROM mcp_servers WHERE id = ?').get(serverId) as McpServerRow | undefined;
    if (!row || (projectId !== undefined && row.project_id !== projectId)) throw new ToolTuneError('not-found', `No MCP server ${serverId}${projectId !== undefined ? ' in this project' : ''}.`);
    return row;
  }

  private serverInfo(row: McpServerRow): McpServerInfo {
    const config = configOf(row);
    return { id: row.id, projectId: row.project_id, name: row.name, command: config.command, args: config.args, commandLine: describeCommand(config), approvedAt: row.approved_at, running: this.connections.has(row.id) };
  }
}

function configOf(row: McpServerRow): McpServerConfig {
  return { command: row.command, args: JSON.parse(row.args_json) as string[] };
}

function asInvalidInput<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof WorkspacePathError) throw new ToolTuneError('invalid-input', error.message);
    throw error;
  }
}
