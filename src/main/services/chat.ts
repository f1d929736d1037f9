import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Database } from 'better-sqlite3';
import type { AssistantMessage, Message, ToolCall } from '../../shared/data/conversation';
import {
  DEFAULT_SAMPLING,
  type ChatLane,
  type ChatMessage,
  type ChatModel,
  type ChatSampling,
  type ChatToolCall,
  type Conversation,
  type ConversationSummary,
} from '../../shared/contract/chat';
import type { Contract } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';
import { errorMessage, ToolTuneError } from '../../shared/errors';
import { isJsonObject } from '../../shared/tools/plainJson';
import type { ToolDefinition } from '../../shared/tools/types';
import type { ChatModels, ResolvedChatModel } from '../chat/chatModels';
import type { LoadedModels } from '../chat/loadedModels';
import type { LocalModel } from '../inference/localModel';
import type { ApprovalAnswer, CallRequest, ToolRunner } from '../runtime/toolRunner';
import type { EventHub } from '../transport/eventHub';
import type { ToolService } from './tools';

/** A call waiting for the user longer than this counts as denied. */
const APPROVAL_TIMEOUT_MS = 10 * 60_000;
/** Streamed text is sent at most this often per lane. */
const STREAM_INTERVAL_MS = 50;
const TITLE_MAX = 60;

interface ConversationRow {
  id: string;
  project_id: string;
  title: string;
  lanes_json: string;
  system_prompt: string;
  sampling_json: string;
  updated_at: string;
}

interface Live {
  controller: AbortController;
  busy: Set<number>;
  streaming: Map<number, string>;
  notices: Map<number, string>;
  approvals: Map<string, (answer: ApprovalAnswer) => void>;
}

/**
 * The Test step's chat: conversations stored per project, each prompt answered by one or two models side by side.
 * A model's answer is read with its template's call syntax (the inference module Evaluate uses); its calls run
 * through the tool runner — policy, approval, binding — and the results go back to the model for another round,
 * up to the conversation's round limit.
 */
export class ChatService implements ServiceImpl<Contract['chat']> {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly db: Database,
    private readonly tools: ToolService,
    private readonly chatModels: ChatModels,
    private readonly loaded: LoadedModels,
    private readonly runner: ToolRunner,
    private readonly events: EventHub,
  ) {}

  models({ projectId }: { projectId: string }) {
    return this.chatModels.options(projectId);
  }

  list({ projectId }: { projectId: string }): ConversationSummary[] {
    const rows = this.db.prepare('SELECT * FROM chat_conversations WHERE project_id = ? ORDER BY updated_at DESC').all(projectId) as ConversationRow[];
    return rows.map((row) => this.summary(row));
  }

  get({ conversationId }: { conversationId: string }): Conversation {
    const row = this.row(conversationId);
    const messages = (this.db.prepare('SELECT lane, seq, turn, message_json, meta_json FROM chat_messages WHERE conversation_id = ? ORDER BY lane, seq').all(conversationId) as Array<{ lane: number; seq: number; turn: number; message_json: string; meta_json: string }>).map(
      (m): ChatMessage => ({ lane: m.lane, seq: m.seq, turn: m.turn, message: JSON.parse(m.message_json) as Message, ...(JSON.parse(m.meta_json) as Partial<ChatMessage>) }),
    );
    const calls = (this.db.prepare('SELECT * FROM tool_calls WHERE conversation_id = ? ORDER BY created_at').all(conversationId) as CallRow[]).map(toChatToolCall);
    const live = this.live.get(conversationId);
    return {
      ...this.summary(row),
      systemPrompt: row.system_prompt,
      sampling: JSON.parse(row.sampling_json) as ChatSampling,
      messages,
      calls,
      busy: live ? [...live.busy].sort() : [],
      streaming: live ? Object.fromEntries(live.streaming) : {},
      notices: live ? Object.fromEntries(live.notices) : {},
    };
  }

  create(params: { projectId: string; lanes: ChatModel[]; title?: string; systemPrompt?: string; sampling?: ChatSampling }): Conversation {
    const lanes: ChatLane[] = params.lanes.map((model) => ({ model, label: this.chatModels.resolve(params.projectId, model).label }));
    const id = randomUUID();
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT INTO chat_conversations (id, project_id, title, lanes_json, system_prompt, sampling_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, params.projectId, params.title ?? '', JSON.stringify(lanes), params.systemPrompt ?? '', JSON.stringify(params.sampling ?? DEFAULT_SAMPLING), now, now);
    this.changed(params.projectId, id);
    return this.get({ conversationId: id });
  }

  update(params: { conversationId: string; title?: string; systemPrompt?: string; sampling?: ChatSampling }): Conversation {
    const row = this.row(params.conversationId);
    this.db
      .prepare('UPDATE chat_conversations SET title = ?, system_prompt = ?, sampling_json = ?, updated_at = ? WHERE id = ?')
      .run(params.title ?? row.title, params.systemPrompt ?? row.system_prompt, params.sampling ? JSON.stringify(params.sampling) : row.sampling_json, new Date().toISOString(), row.id);
    this.changed(row.project_id, row.id);
    return this.get({ conversationId: row.id });
  }

  delete({ conversationId }: { conversationId: string }): { deleted: true } {
    const row = this.row(conversationId);
    this.stop({ conversationId });
    this.db.prepare('DELETE FROM chat_conversations WHERE id = ?').run(conversationId);
    this.changed(row.project_id, conversationId);
    return { deleted: true };
  }

  send({ conversationId, text, fromTurn }: { conversationId: string; text: string; fromTurn?: number }): { started: true } {
    const row = this.row(conversationId);
    this.assertIdle(conversationId);
    const turns = this.turnCount(conversationId);
    const turn = fromTurn ?? turns;
    if (turn > turns) throw new ToolTuneError('invalid-input', `This conversation has ${turns} prompts: there is no prompt ${turn + 1} to edit.`);
    const lanes = JSON.parse(row.lanes_json) as ChatLane[];
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM chat_messages WHERE conversation_id = ? AND turn >= ?').run(conversationId, turn);
      lanes.forEach((_, lane) => this.append(row, lane, turn, { role: 'user', content: text }, {}));
      if (row.title === '') this.db.prepare('UPDATE chat_conversations SET title = ? WHERE id = ?').run(titleOf(text), conversationId);
    })();
    this.answer(row, lanes, turn);
    return { started: true };
  }

  regenerate({ conversationId }: { conversationId: string }): { started: true } {
    const row = this.row(conversationId);
    this.assertIdle(conversationId);
    const turns = this.turnCount(conversationId);
    if (turns === 0) throw new ToolTuneError('conflict', 'There is no prompt to answer again yet.');
    this.db.prepare("DELETE FROM chat_messages WHERE conversation_id = ? AND turn = ? AND json_extract(message_json, '$.role') <> 'user'").run(conversationId, turns - 1);
    this.answer(row, JSON.parse(row.lanes_json) as ChatLane[], turns - 1);
    return { started: true };
  }

  stop({ conversationId }: { conversationId: string }): { stopped: boolean } {
    const live = this.live.get(conversationId);
    if (!live) return { stopped: false };
    live.controller.abort();
    for (const resolve of live.approvals.values()) resolve('denied');
    live.approvals.clear();
    return { stopped: true };
  }

  decide({ conversationId, callId, approve }: { conversationId: string; callId: string; approve: boolean }): { decided: boolean } {
    const resolve = this.live.get(conversationId)?.approvals.get(callId);
    if (!resolve) return { decided: false };
    resolve(approve ? 'approved' : 'denied');
    return { decided: true };
  }

  /** Stops every conversation (app close): waiting approvals count as denied. */
  dispose(): void {
    for (const conversationId of this.live.keys()) this.stop({ conversationId });
  }

  /** Resolves when no lane of the conversation is working (tests, the CLI). */
  async idle(conversationId: string): Promise<void> {
    while (this.live.has(conversationId)) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private answer(row: ConversationRow, lanes: ChatLane[], turn: number): void {
    const live: Live = { controller: new AbortController(), busy: new Set(lanes.map((_, i) => i)), streaming: new Map(), notices: new Map(), approvals: new Map() };
    this.live.set(row.id, live);
    this.changed(row.project_id, row.id);
    const threads = Math.max(1, Math.floor(Math.max(1, availableParallelism() - (lanes.length === 1 ? 1 : 0)) / lanes.length));
    void Promise.all(
      lanes.map(async (lane, index) => {
        try {
          const resolved = this.chatModels.resolve(row.project_id, lane.model);
          await this.loaded.with(resolved, threads, (model) => this.answerLane(row, index, turn, model, resolved, live));
        } catch (error) {
          live.notices.set(index, errorMessage(error));
        } finally {
          live.busy.delete(index);
          live.streaming.delete(index);
          this.changed(row.project_id, row.id);
        }
      }),
    ).finally(() => {
      this.live.delete(row.id);
      this.changed(row.project_id, row.id);
    });
  }

  /** Rounds of answer → calls → results until the model answers without a call, is stopped, or the round limit. */
  private async answerLane(row: ConversationRow, lane: number, turn: number, model: LocalModel, resolved: ResolvedChatModel, live: Live): Promise<void> {
    const signal = live.controller.signal;
    const sampling = JSON.parse(row.sampling_json) as ChatSampling;
    const tools: ToolDefinition[] = this.tools.list({ projectId: row.project_id }).map(({ name, description, parameters }) => ({ name, description, parameters }));
    for (let round = 1; round <= sampling.maxRounds; round++) {
      if (signal.aborted) return;
      const messages = this.laneMessages(row, lane);
      const prompt = model.promptOf({ tools, messages });
      const room = resolved.contextSize - prompt.length;
      if (room < 16) throw new ToolTuneError('too-large', `The conversation (${prompt.length} tokens) no longer fits the model's window of ${resolved.contextSize}: start a new one.`);
      let lastStream = 0;
      const generation = await model.generate(prompt, {
        maxTokens: Math.min(sampling.maxTokens, room),
        signal,
        sampling,
        onText: (text) => {
          live.streaming.set(lane, text);
          const now = Date.now();
          if (now - lastStream < STREAM_INTERVAL_MS) return;
          lastStream = now;
          this.events.emit('chat', 'didStream', { conversationId: row.id, lane, text });
        },
      });
      live.streaming.delete(lane);
      const read = model.readAnswer(generation.text);
      const meta = { tokens: generation.tokens, ms: Math.round(generation.ms), finished: generation.finished && !signal.aborted };
      if (read.calls === null) {
        this.append(row, lane, turn, { role: 'assistant', content: generation.text, toolCalls: [] }, { ...meta, unreadable: generation.text });
        live.notices.set(lane, 'The answer starts a tool call that cannot be read; it is shown as text and nothing ran.');
        return;
      }
      // Unique in the conversation, across lanes and answers given again: the log and the approvals key on it.
      // Arguments that are not an object (never valid for a tool) become `{}`, for the schema check to judge.
      const toolCalls: ToolCall[] = read.calls.map((call) => ({ id: `call_${randomUUID().slice(0, 12)}`, name: call.name, arguments: isJsonObject(call.arguments) ? call.arguments : {} }));
      const assistant: AssistantMessage = { role: 'assistant', content: read.text, toolCalls };
      this.append(row, lane, turn, assistant, meta);
      if (toolCalls.length === 0 || signal.aborted) return;
      for (const result of await this.runCalls(row, lane, toolCalls, live)) {
        this.append(row, lane, turn, { role: 'tool', toolCallId: result.call.id, name: result.call.name, content: result.content }, {});
      }
      if (round === sampling.maxRounds) live.notices.set(lane, `Stopped after ${sampling.maxRounds} rounds of calls (the conversation's limit): the model did not answer yet.`);
    }
  }

  /** Read-only calls run side by side; a call with side effects runs alone, in the order the model wrote it. */
  private async runCalls(row: ConversationRow, lane: number, calls: ToolCall[], live: Live): Promise<Array<{ call: ToolCall; content: string }>> {
    const results: Array<{ call: ToolCall; content: string }> = [];
    let batch: ToolCall[] = [];
    const flush = async () => {
      const outcomes = await Promise.all(batch.map((call) => this.runCall(row, lane, call, live)));
      batch.forEach((call, i) => results.push({ call, content: outcomes[i]! }));
      batch = [];
    };
    for (const call of calls) {
      if (this.runner.isReadOnly(row.project_id, call.name)) {
        batch.push(call);
        continue;
      }
      await flush();
      results.push({ call, content: await this.runCall(row, lane, call, live) });
    }
    await flush();
    return results;
  }

  private async runCall(row: ConversationRow, lane: number, call: ToolCall, live: Live): Promise<string> {
    const request: CallRequest = { projectId: row.project_id, conversationId: row.id, lane, callId: call.id, tool: call.name, arguments: call.arguments };
    const outcome = await this.runner.run(request, (r) => this.askUser(r, live), live.controller.signal);
    return outcome.content;
  }

  private askUser(request: CallRequest, live: Live): Promise<ApprovalAnswer> {
    if (live.controller.signal.aborted) return Promise.resolve('denied');
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timed-out'), APPROVAL_TIMEOUT_MS);
      const done = (answer: ApprovalAnswer) => {
        clearTimeout(timer);
        live.approvals.delete(request.callId);
        resolve(answer);
      };
      live.approvals.set(request.callId, done);
    });
  }

  private laneMessages(row: ConversationRow, lane: number): Message[] {
    const stored = (this.db.prepare('SELECT message_json FROM chat_messages WHERE conversation_id = ? AND lane = ? ORDER BY seq').pluck().all(row.id, lane) as string[]).map((m) => JSON.parse(m) as Message);
    return row.system_prompt.trim() !== '' ? [{ role: 'system', content: row.system_prompt }, ...stored] : stored;
  }

  private append(row: ConversationRow, lane: number, turn: number, message: Message, meta: Partial<ChatMessage>): void {
    const now = new Date().toISOString();
    this.db.prepare('INSERT INTO chat_messages (conversation_id, lane, seq, turn, message_json, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(row.id, lane, this.nextSeq(row.id, lane), turn, JSON.stringify(message), JSON.stringify(meta), now);
    this.db.prepare('UPDATE chat_conversations SET updated_at = ? WHERE id = ?').run(now, row.id);
    this.changed(row.project_id, row.id);
  }

  private nextSeq(conversationId: string, lane: number): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq) + 1, 0) FROM chat_messages WHERE conversation_id = ? AND lane = ?').pluck().get(conversationId, lane) as number);
  }

  private turnCount(conversationId: string): number {
    return this.db.prepare('SELECT COALESCE(MAX(turn) + 1, 0) FROM chat_messages WHERE conversation_id = ?').pluck().get(conversationId) as number;
  }

  private assertIdle(conversationId: string): void {
    if (this.live.has(conversationId)) throw new ToolTuneError('conflict', 'This conversation is still answering: stop it first.');
  }

  private row(conversationId: string): ConversationRow {
    const row = this.db.prepare('SELECT * FROM chat_conversations WHERE id = ?').get(conversationId) as ConversationRow | undefined;
    if (!row) throw new ToolTuneError('not-found', `No conversation ${conversationId}.`);
    return row;
  }

  private summary(row: ConversationRow): ConversationSummary {
    return { id: row.id, projectId: row.project_id, title: row.title || 'New conversation', lanes: JSON.parse(row.lanes_json) as ChatLane[], updatedAt: row.updated_at };
  }

  private changed(projectId: string, conversationId: string): void {
    this.events.emit('chat', 'didChange', { projectId, conversationId });
  }
}

interface CallRow {
  call_id: string;
  lane: number;
  tool: string;
  arguments_json: string;
  status: ChatToolCall['status'];
  decision: ChatToolCall['decision'];
  result: string | null;
  files_json: string;
  ms: number | null;
}

function toChatToolCall(row: CallRow): ChatToolCall {
  return {
    callId: row.call_id,
    lane: row.lane,
    tool: row.tool,
    arguments: JSON.parse(row.arguments_json) as Record<string, unknown>,
    status: row.status,
    decision: row.decision,
    result: row.result,
    files: JSON.parse(row.files_json) as string[],
    ms: row.ms,
  };
}

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1)}…`;
}
