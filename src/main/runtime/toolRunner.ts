import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { defaultPolicy, isReadOnlyBinding, TOOL_RESULT_MAX_CHARS, TOOL_TIMEOUT_DEFAULT_MS, type RuntimeBinding, type ToolRuntime } from '../../shared/chat/bindings';
import type { ChatToolCall, ToolCallStatus } from '../../shared/contract/chat';
import type { StoredTool } from '../../shared/contract/tools';
import { errorMessage } from '../../shared/errors';
import { ArgumentValidator } from '../data/verifySample';
import { runBuiltin, type ToolOutput } from './builtinTools';
import { runHttpTool } from './httpRunner';
import type { McpServerConnection } from './mcpServer';
import { runScript } from './scriptRunner';
import { redactSecrets, type SecretStore } from './secretStore';

export interface CallRequest {
  projectId: string;
  /** null: `tools run` and the Try button. */
  conversationId: string | null;
  lane: number;
  callId: string;
  tool: string;
  arguments: Record<string, unknown>;
}

export type ApprovalAnswer = 'approved' | 'denied' | 'timed-out';
/** Asks the user about one call (its log row is already stored as waiting). */
export type Approver = (request: CallRequest) => Promise<ApprovalAnswer>;

export interface CallOutcome {
  content: string;
  ok: boolean;
  status: ToolCallStatus;
  decision: ChatToolCall['decision'];
  files: string[];
  ms: number;
}

export interface ToolRunnerDeps {
  db: Database;
  tools(projectId: string): StoredTool[];
  workspaceDir(projectId: string): string;
  secrets: SecretStore;
  mcp(serverId: string): Promise<McpServerConnection>;
  onChange(projectId: string, conversationId: string | null): void;
}

/** A tool's binding and policy: what was set, else none (a call then fails and says why). */
export function runtimeOf(db: Database, tool: StoredTool): ToolRuntime {
  const row = db.prepare('SELECT binding_json, policy FROM tool_runtimes WHERE tool_id = ?').get(tool.id) as { binding_json: string | null; policy: ToolRuntime['policy'] } | undefined;
  if (row) return { binding: row.binding_json ? (JSON.parse(row.binding_json) as RuntimeBinding) : null, policy: row.policy };
  return { binding: null, policy: defaultPolicy(null) };
}

/**
 * Runs the calls a model (or a user, through Try and `tools run`) makes: the tool must exist and the arguments fit its
 * schema, then the policy decides — allow runs, ask waits for the user's answer, deny never runs — and the binding
 * runs with its own limits. Every call is logged (secrets redacted) and every failure becomes a result the model can
 * read, never an exception out of the chat.
 */
export class ToolRunner {
  private readonly validator = new ArgumentValidator();

  constructor(private readonly deps: ToolRunnerDeps) {}

  /** Calls that may run side by side: read-only ones (and unknown tools, which fail without running anything). */
  isReadOnly(projectId: string, toolName: string): boolean {
    const tool = this.deps.tools(projectId).find((t) => t.name === toolName);
    return !tool || isReadOnlyBinding(runtimeOf(this.deps.db, tool).binding);
  }

  async run(request: CallRequest, approve: Approver, signal: AbortSignal): Promise<CallOutcome> {
    const logId = randomUUID();
    const secrets = this.deps.secrets.values(request.projectId);
    this.deps.db
      .prepare(
        `INSERT INTO tool_calls (id, project_id, conversation_id, lane, call_id, tool, arguments_json, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(logId, request.projectId, request.conversationId, request.lane, request.callId, request.tool, redactSecrets(JSON.stringify(request.arguments), secrets), new Date().toISOString());
    const finish = (outcome: CallOutcome): CallOutcome => {
      const content = redactSecrets(capped(outcome.content), secrets);
      this.deps.db
        .prepare('UPDATE tool_calls SET status = ?, decision = ?, result = ?, files_json = ?, ms = ? WHERE id = ?')
        .run(outcome.status, outcome.decision, content, JSON.stringify(outcome.files), outcome.ms, logId);
      this.deps.onChange(request.projectId, request.conversationId);
      return { ...outcome, content };
    };
    const refused = (status: ToolCallStatus, decision: ChatToolCall['decision'], message: string): CallOutcome =>
      finish({ content: JSON.stringify({ error: message }), ok: false, status, decision, files: [], ms: 0 });

    const tool = this.deps.tools(request.projectId).find((t) => t.name === request.tool);
    if (!tool) return refused('error', null, `there is no tool named "${request.tool}"`);
    const problems = this.validator.check(tool.parameters, request.arguments);
    if (problems) return refused('error', null, `the arguments do not fit the schema of ${tool.name}: ${problems.map((p) => p.message).join('; ')}`);
    const { binding, policy } = runtimeOf(this.deps.db, tool);
    if (policy === 'deny') return refused('denied', 'policy-denied', `the policy for ${tool.name} is "deny": the call did not run`);
    let decision: ChatToolCall['decision'] = 'allowed';
    if (policy === 'ask') {
      this.deps.db.prepare("UPDATE tool_calls SET status = 'waiting-approval' WHERE id = ?").run(logId);
      this.deps.onChange(request.projectId, request.conversationId);
      const answer = await approve(request);
      if (answer !== 'approved') return refused('denied', answer === 'timed-out' ? 'timed-out' : 'denied', `the user did not approve this call of ${tool.name}: it did not run`);
      decision = 'approved';
      this.deps.db.prepare("UPDATE tool_calls SET status = 'running', decision = 'approved' WHERE id = ?").run(logId);
      this.deps.onChange(request.projectId, request.conversationId);
    }
    if (binding === null) return refused('error', decision, `${tool.name} has no binding yet: choose how it runs in the Test step`);
    const started = performance.now();
    try {
      const output = await this.execute(binding, tool, request, signal);
      return finish({ ...output, status: output.ok ? 'ok' : 'error', decision, ms: performance.now() - started });
    } catch (error) {
      return finish({ content: JSON.stringify({ error: errorMessage(error) }), ok: false, status: 'error', decision, files: [], ms: performance.now() - started });
    }
  }

  private async execute(binding: RuntimeBinding, tool: StoredTool, request: CallRequest, signal: AbortSignal): Promise<ToolOutput> {
    const workspaceDir = this.deps.workspaceDir(request.projectId);
    switch (binding.kind) {
      case 'builtin':
        return runBuiltin(binding, request.arguments, workspaceDir);
      case 'mock':
        return { ok: true, files: [], content: binding.mode === 'fixed' ? (binding.response ?? '') : JSON.stringify({ tool: tool.name, arguments: request.arguments, result: 'ok (mock)' }) };
      case 'script': {
        const run = await runScript({ command: binding.command, args: binding.args ?? [], input: request.arguments, cwd: workspaceDir, timeoutMs: binding.timeoutMs ?? TOOL_TIMEOUT_DEFAULT_MS, signal });
        if (run.timedOut) return { ok: false, files: [], content: JSON.stringify({ error: `the script did not finish within ${binding.timeoutMs ?? TOOL_TIMEOUT_DEFAULT_MS} ms and was stopped` }) };
        if (run.exitCode !== 0) return { ok: false, files: [], content: JSON.stringify({ error: `the script exited with ${run.exitCode}`, stderr: run.stderr.slice(-2000) }) };
        return { ok: true, files: [], content: run.truncated ? `${run.stdout}\n[truncated]` : run.stdout };
      }
      case 'http': {
        const response = await runHttpTool(binding, request.arguments, {
          secrets: (name) => this.deps.secrets.get(request.projectId, name),
          timeoutMs: binding.timeoutMs ?? TOOL_TIMEOUT_DEFAULT_MS,
          signal,
        });
        const body = response.truncated ? `${response.body}\n[truncated]` : response.body;
        const ok = response.status >= 200 && response.status < 300;
        return { ok, files: [], content: ok ? body : `HTTP ${response.status}: ${body}` };
      }
      case 'mcp': {
        const connection = await this.deps.mcp(binding.serverId);
        const result = await connection.callTool(binding.tool, request.arguments, { timeoutMs: TOOL_TIMEOUT_DEFAULT_MS, signal });
        return { ok: !result.isError, files: [], content: result.truncated ? `${result.text}\n[truncated]` : result.text };
      }
    }
  }
}

function capped(text: string): string {
  return text.length <= TOOL_RESULT_MAX_CHARS ? text : `${text.slice(0, TOOL_RESULT_MAX_CHARS)}\n[truncated: ${text.length} characters]`;
}
