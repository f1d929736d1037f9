/**
 * `tooltune chat` and `tooltune tools run`: the Test step from the command line, for scripts and automation. Calls
 * go through the same policy as in the app: "ask" needs --auto-approve or a yes on the terminal (no terminal: deny),
 * and nothing turns "deny" into a run.
 */
import type { Api, ChatModel, ChatToolCall, Conversation, ProjectSummary } from '../../shared/contract';
import { DEFAULT_SAMPLING } from '../../shared/contract';
import { ToolTuneError } from '../../shared/errors';
import { OutcomeError, projectByName, requireFlag, requirePositional, UsageError, wholeNumberFlag, type Output, type ParsedArgs } from './commandSupport';
import { EXIT } from './exitCodes';
import { modelById } from './trainCommands';

/** Asks the user on the terminal; absent when there is none to answer on. */
export type Confirm = (question: string) => Promise<boolean>;

async function approve(args: ParsedArgs, confirm: Confirm | undefined, tool: string, callArguments: unknown, output: Output): Promise<boolean> {
  if (args.flags['auto-approve'] === true) return true;
  if (!confirm) {
    output.err(`${tool} needs approval: denied (no terminal to ask on; --auto-approve allows "ask" tools).`);
    return false;
  }
  return confirm(`Run ${tool} with ${JSON.stringify(callArguments, null, 2)}?`);
}

async function chatModelOf(api: Api, project: ProjectSummary, args: ParsedArgs): Promise<ChatModel | undefined> {
  const given = ['run', 'model', 'export'].filter((name) => args.flags[name] !== undefined);
  if (given.length > 1) throw new UsageError('Give one of --run, --model and --export.');
  const runSeq = wholeNumberFlag(args, 'run', 1);
  if (runSeq !== undefined) {
    const run = (await api.train.runs({ projectId: project.id })).find((r) => r.seq === runSeq);
    if (!run) throw new ToolTuneError('not-found', `"${project.name}" has no run ${runSeq}.`);
    return { kind: 'run', runId: run.id };
  }
  if (typeof args.flags.model === 'string') return { kind: 'model', modelId: (await modelById(api, args.flags.model)).id };
  if (typeof args.flags.export === 'string') {
    // <folder>[:<file>] — the export's first model file unless one is named.
    const [folder, file] = args.flags.export.split(':');
    const options = (await api.chat.models({ projectId: project.id })).filter((o) => o.model.kind === 'export');
    const exports = await api.export.list({ projectId: project.id });
    const found = exports.find((e) => e.id === folder || e.dir.endsWith(`/${folder}`) || e.dir.endsWith(`\\${folder}`));
    if (!found) throw new ToolTuneError('not-found', `"${project.name}" has no export ${folder} (see \`export list\`).`);
    const option = options.find((o) => o.model.kind === 'export' && o.model.exportId === found.id && (file === undefined || o.model.file === file));
    if (!option) throw new ToolTuneError('not-found', `Export ${folder} has no model file${file ? ` ${file}` : ''} to chat with.`);
    return option.model;
  }
  return undefined;
}

function transcript(conversation: Conversation, output: Output): void {
  const callsById = new Map<string, ChatToolCall>(conversation.calls.map((c) => [c.callId, c]));
  conversation.lanes.forEach((lane, index) => {
    if (conversation.lanes.length > 1) output.out(`== ${lane.label}`);
    for (const { message, lane: l } of conversation.messages) {
      if (l !== index) continue;
      if (message.role === 'user') output.out(`user: ${message.content}`);
      if (message.role === 'assistant') {
        if (message.content.trim() !== '') output.out(`assistant: ${message.content.trim()}`);
        for (const call of message.toolCalls) {
          const logged = callsById.get(call.id);
          output.out(`call ${call.name} ${JSON.stringify(call.arguments)} [${logged?.status ?? 'not run'}${logged?.decision ? `, ${logged.decision}` : ''}${logged?.ms != null ? `, ${Math.round(logged.ms)} ms` : ''}]`);
          for (const file of logged?.files ?? []) output.out(`  wrote ${file}`);
        }
      }
      if (message.role === 'tool') output.out(`result ${message.name}: ${message.content}`);
    }
    const notice = conversation.notices[index];
    if (notice) output.err(`note: ${notice}`);
  });
}

export async function runChatCommand(api: Api, args: ParsedArgs, output: Output, confirm?: Confirm): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const prompt = requirePositional(args, 0, 'A prompt');
  const model = (await chatModelOf(api, project, args)) ?? (await api.chat.models({ projectId: project.id })).find((o) => o.group === 'run')?.model;
  if (!model) throw new ToolTuneError('conflict', `"${project.name}" has no finished run to chat with: give --model <id> for a base.`);
  const maxTokens = wholeNumberFlag(args, 'max-tokens', 16, 8192);
  const { id: conversationId } = await api.chat.create({ projectId: project.id, lanes: [model], ...(maxTokens !== undefined ? { sampling: { ...DEFAULT_SAMPLING, maxTokens } } : {}) });
  let wake: () => void = () => undefined;
  const unsubscribe = api.chat.on('didChange', (event) => {
    if (event.conversationId === conversationId) wake();
  });
  let conversation: Conversation;
  try {
    await api.chat.send({ conversationId, text: prompt });
    const asked = new Set<string>();
    for (;;) {
      const changed = new Promise<void>((resolve) => (wake = resolve));
      conversation = await api.chat.get({ conversationId });
      for (const call of conversation.calls) {
        if (call.status !== 'waiting-approval' || asked.has(call.callId)) continue;
        asked.add(call.callId);
        await api.chat.decide({ conversationId, callId: call.callId, approve: await approve(args, confirm, call.tool, call.arguments, output) });
      }
      if (conversation.busy.length === 0) break;
      await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
  } finally {
    unsubscribe();
  }
  if (args.flags.json === true) output.out(JSON.stringify(conversation, null, 2));
  else transcript(conversation, output);
  const failure = conversation.notices[0];
  if (failure && !conversation.messages.some((m) => m.message.role === 'assistant')) throw new OutcomeError(EXIT.failure, failure);
}

export async function runToolCommand(api: Api, args: ParsedArgs, output: Output, confirm?: Confirm): Promise<void> {
  const project = await projectByName(api, requireFlag(args, 'project'));
  const toolName = requirePositional(args, 0, 'A tool name');
  const raw = args.positionals[1] ?? '{}';
  let callArguments: unknown;
  try {
    callArguments = JSON.parse(raw);
  } catch {
    throw new UsageError(`The arguments must be one JSON object, e.g. '{"city": "Oslo"}' (got ${raw.slice(0, 80)}).`);
  }
  if (typeof callArguments !== 'object' || callArguments === null || Array.isArray(callArguments)) throw new UsageError('The arguments must be a JSON object.');
  const runtime = (await api.runtime.list({ projectId: project.id })).find((t) => t.name === toolName);
  if (!runtime) throw new ToolTuneError('not-found', `"${project.name}" has no tool named ${toolName} (see \`tools list\`).`);
  const approved = runtime.policy === 'ask' ? await approve(args, confirm, toolName, callArguments, output) : false;
  const result = await api.runtime.run({ projectId: project.id, tool: toolName, arguments: callArguments as Record<string, unknown>, approved });
  if (args.flags.json === true) output.out(JSON.stringify(result, null, 2));
  else {
    output.out(result.content);
    for (const file of result.files) output.err(`wrote ${file}`);
  }
  if (!result.ok) throw new OutcomeError(result.decision === 'denied' ? EXIT.conflict : EXIT.failure, result.decision === 'denied' ? `${toolName} did not run: ${result.content}` : `${toolName} failed.`);
}

