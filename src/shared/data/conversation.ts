import { escapePointerToken } from '../tools/jsonPointer';
import { isJsonObject, ownValue, UNSAFE_KEYS, type JsonObject } from '../tools/plainJson';
import type { ToolDefinition } from '../tools/types';
import type { AcceptableArgument, EvalExpectation, ExpectedCall } from './evalExpectation';
import {
  MAX_ARGUMENT_CHARS,
  MAX_CALLS_PER_MESSAGE,
  MAX_CONTENT_CHARS,
  MAX_MESSAGES,
  MAX_TOOLS_PER_SAMPLE,
  MAX_VALUE_DEPTH,
} from './limits';

/**
 * The canonical training sample. Every importer produces it, every exporter and the trainer's
 * renderer consume it, SQLite stores it as JSON. Plain JSON only: no classes, no undefined in arrays.
 */

/** The sample kinds of GUIDE §5. `null`: unknown (most imported samples). */
export const SAMPLE_KINDS = [
  'simple',
  'multiple',
  'parallel',
  'parallel_multiple',
  'multi_turn',
  'missing_argument',
  'no_call',
  'generate_and_save',
  'dependent',
] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export interface ToolCall {
  /** Unique within the sample; formats without ids get `call_1`, `call_2`, … in order. */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type Message =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  /**
   * `content` is '' when the turn only calls tools. `weight: 0` excludes the turn from the loss (OpenAI).
   * `reasoning`: the model's thinking before it answers (imported from reasoning parts); training renders it only
   * for templates with a thinking mode, and so far trains without it (docs/trainer.md, Families).
   */
  | { role: 'assistant'; content: string; toolCalls: ToolCall[]; weight?: 0 | 1; reasoning?: string }
  /** The result of the earlier call with id `toolCallId`; `name` repeats that call's tool name. */
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export type AssistantMessage = Extract<Message, { role: 'assistant' }>;
export type ToolMessage = Extract<Message, { role: 'tool' }>;

export interface Sample {
  messages: Message[];
  /** The tools offered to the model in this sample, in the order it sees them. No `binding`. */
  tools: ToolDefinition[];
  kind: SampleKind | null;
  /** OpenAI's `parallel_tool_calls`; absent means the format's default. */
  parallelToolCalls?: boolean;
  /** Eval sets (BFCL): what the model is expected to call; such samples usually end with a user turn. */
  expected?: EvalExpectation;
  /** Small string facts: `missingArgument`, the source id of an imported case, the language, … */
  meta?: Record<string, string>;
}

export interface SampleProblem {
  /** RFC 6901 pointer into the sample. */
  pointer: string;
  message: string;
}

export type ParseSampleResult = { sample: Sample } | { problems: SampleProblem[] };

/** Problems reported for one sample before the validator gives up. */
const MAX_SAMPLE_PROBLEMS = 20;
const MAX_JSON_NODES = 200_000;
const KIND_SET: ReadonlySet<string> = new Set(SAMPLE_KINDS);

/** Every tool call of the sample, in order. */
export function callsOf(sample: Pick<Sample, 'messages'>): ToolCall[] {
  return sample.messages.flatMap((message) => (message.role === 'assistant' ? message.toolCalls : []));
}

/** Gives calls the ids `call_1`, `call_2`, … and points tool results at them, in place. */
export function assignSequentialCallIds(messages: Message[]): void {
  const renamed = new Map<string, string>();
  let next = 1;
  for (const message of messages) {
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) {
        const id = `call_${next++}`;
        renamed.set(call.id, id);
        call.id = id;
      }
    } else if (message.role === 'tool') {
      message.toolCallId = renamed.get(message.toolCallId) ?? message.toolCallId;
    }
  }
}

/**
 * Validates untrusted JSON (a stored row, an RPC payload, an edited sample) and returns a fresh,
 * plain copy. Never throws; stops after a few problems. Structural rules only: whether calls fit the
 * tools' schemas is verification's job (main, ajv).
 */
export function parseSample(input: unknown): ParseSampleResult {
  const problems: SampleProblem[] = [];
  try {
    const sample = readSample(input, (pointer, message) => {
      if (problems.length < MAX_SAMPLE_PROBLEMS) problems.push({ pointer, message });
    });
    return problems.length === 0 && sample ? { sample } : { problems };
  } catch (error) {
    return { problems: [{ pointer: '', message: `invalid sample: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

type Report = (pointer: string, message: string) => void;

function readSample(input: unknown, report: Report): Sample | null {
  if (!isJsonObject(input)) {
    report('', 'a sample must be an object');
    return null;
  }
  const rawMessages = ownValue(input, 'messages');
  if (!Array.isArray(rawMessages) || rawMessages.length === 0) {
    report('/messages', 'messages must be a non-empty array');
    return null;
  }
  if (rawMessages.length > MAX_MESSAGES) {
    report('/messages', `${rawMessages.length} messages; at most ${MAX_MESSAGES} are allowed`);
    return null;
  }
  const tools = readTools(ownValue(input, 'tools'), report);
  const messages = readMessages(rawMessages, report);

  const sample: Sample = { messages, tools, kind: null };
  const kind = ownValue(input, 'kind');
  if (typeof kind === 'string' && KIND_SET.has(kind)) sample.kind = kind as SampleKind;
  else if (kind !== null && kind !== undefined) report('/kind', `unknown sample kind ${JSON.stringify(kind).slice(0, 40)}`);

  const parallel = ownValue(input, 'parallelToolCalls');
  if (typeof parallel === 'boolean') sample.parallelToolCalls = parallel;
  else if (parallel !== undefined) report('/parallelToolCalls', 'parallelToolCalls must be a boolean');

  const expected = ownValue(input, 'expected');
  if (expected !== undefined) {
    const read = readExpectation(expected, report);
    if (read) sample.expected = read;
  }
  const meta = ownValue(input, 'meta');
  if (meta !== undefined) {
    const read = readMeta(meta, report);
    if (read) sample.meta = read;
  }
  return sample;
}

function readTools(raw: unknown, report: Report): ToolDefinition[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    report('/tools', 'tools must be an array');
    return [];
  }
  if (raw.length > MAX_TOOLS_PER_SAMPLE) {
    report('/tools', `${raw.length} tools; at most ${MAX_TOOLS_PER_SAMPLE} are allowed`);
    return [];
  }
  const tools: ToolDefinition[] = [];
  const names = new Set<string>();
  raw.forEach((item: unknown, index) => {
    const read = parseToolDefinition(item);
    if ('problem' in read) return report(`/tools/${index}${read.problem.pointer}`, read.problem.message);
    if (names.has(read.tool.name)) return report(`/tools/${index}/name`, `duplicate tool "${read.tool.name.slice(0, 64)}"`);
    names.add(read.tool.name);
    tools.push(read.tool);
  });
  return tools;
}

/**
 * One tool of a sample: a fresh `{name, description, parameters}` copy (bindings are project
 * data, not training data, and are dropped). Full schema checks are the tools module's job.
 */
export function parseToolDefinition(item: unknown): { tool: ToolDefinition } | { problem: SampleProblem } {
  const fail = (pointer: string, message: string) => ({ problem: { pointer, message } });
  if (!isJsonObject(item)) return fail('', 'a tool must be an object');
  const name = ownValue(item, 'name');
  const description = ownValue(item, 'description') ?? '';
  if (typeof name !== 'string' || name === '' || name.length > 256) return fail('/name', 'a tool needs a name of at most 256 characters');
  if (typeof description !== 'string') return fail('/description', 'description must be a string');
  let problem: SampleProblem | null = null;
  const parameters = plainObject(ownValue(item, 'parameters'), '/parameters', (pointer, message) => (problem = { pointer, message }));
  return parameters ? { tool: { name, description, parameters } } : { problem: problem ?? { pointer: '/parameters', message: 'must be an object' } };
}

function readMessages(raw: unknown[], report: Report): Message[] {
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  raw.forEach((item: unknown, index) => {
    const pointer = `/messages/${index}`;
    if (!isJsonObject(item)) return report(pointer, 'a message must be an object');
    const role = ownValue(item, 'role');
    const content = ownValue(item, 'content');
    if (typeof content !== 'string') return report(`${pointer}/content`, 'content must be a string');
    if (content.length > MAX_CONTENT_CHARS) return report(`${pointer}/content`, `content longer than ${MAX_CONTENT_CHARS} characters`);
    if (role === 'system' || role === 'user') {
      messages.push({ role, content });
    } else if (role === 'assistant') {
      const message = readAssistant(item, content, pointer, callNames, report);
      if (message) messages.push(message);
    } else if (role === 'tool') {
      const toolCallId = ownValue(item, 'toolCallId');
      const name = ownValue(item, 'name');
      if (typeof toolCallId !== 'string' || !callNames.has(toolCallId)) {
        return report(`${pointer}/toolCallId`, 'a tool result must answer an earlier call of this sample');
      }
      const callName = callNames.get(toolCallId) as string;
      if (name !== callName) return report(`${pointer}/name`, `the result's name must be "${callName}"`);
      messages.push({ role, toolCallId, name: callName, content });
    } else {
      report(`${pointer}/role`, `unknown role ${JSON.stringify(role)?.slice(0, 40)}`);
    }
  });
  return messages;
}

function readAssistant(item: JsonObject, content: string, pointer: string, callNames: Map<string, string>, report: Report): AssistantMessage | null {
  const rawCalls = ownValue(item, 'toolCalls') ?? [];
  if (!Array.isArray(rawCalls) || rawCalls.length > MAX_CALLS_PER_MESSAGE) {
    report(`${pointer}/toolCalls`, `toolCalls must be an array of at most ${MAX_CALLS_PER_MESSAGE} calls`);
    return null;
  }
  const toolCalls: ToolCall[] = [];
  rawCalls.forEach((call: unknown, index) => {
    const callPointer = `${pointer}/toolCalls/${index}`;
    const id = isJsonObject(call) ? ownValue(call, 'id') : undefined;
    const name = isJsonObject(call) ? ownValue(call, 'name') : undefined;
    if (typeof id !== 'string' || id === '' || callNames.has(id)) return report(`${callPointer}/id`, 'a call needs an id unique in the sample');
    if (typeof name !== 'string' || name === '') return report(`${callPointer}/name`, 'a call needs a tool name');
    const args = plainObject(isJsonObject(call) ? ownValue(call, 'arguments') : undefined, `${callPointer}/arguments`, report);
    if (!args) return;
    if (JSON.stringify(args).length > MAX_ARGUMENT_CHARS) return report(`${callPointer}/arguments`, `arguments longer than ${MAX_ARGUMENT_CHARS} characters`);
    callNames.set(id, name);
    toolCalls.push({ id, name, arguments: args });
  });
  const message: AssistantMessage = { role: 'assistant', content, toolCalls };
  const weight = ownValue(item, 'weight');
  if (weight === 0 || weight === 1) message.weight = weight;
  else if (weight !== undefined) report(`${pointer}/weight`, 'weight must be 0 or 1');
  const reasoning = ownValue(item, 'reasoning');
  if (typeof reasoning === 'string' && reasoning.length <= MAX_CONTENT_CHARS) message.reasoning = reasoning;
  else if (reasoning !== undefined) report(`${pointer}/reasoning`, `reasoning must be a string of at most ${MAX_CONTENT_CHARS} characters`);
  return message;
}

function readExpectation(raw: unknown, report: Report): EvalExpectation | null {
  const turns = isJsonObject(raw) ? ownValue(raw, 'turns') : undefined;
  if (!Array.isArray(turns) || turns.length > MAX_MESSAGES) {
    report('/expected/turns', 'expected.turns must be an array of turns');
    return null;
  }
  const read: ExpectedCall[][] = [];
  for (const [turnIndex, turn] of turns.entries()) {
    if (!Array.isArray(turn) || turn.length > MAX_CALLS_PER_MESSAGE) {
      report(`/expected/turns/${turnIndex}`, 'a turn must be an array of expected calls');
      return null;
    }
    const calls: ExpectedCall[] = [];
    for (const [callIndex, call] of turn.entries()) {
      const pointer = `/expected/turns/${turnIndex}/${callIndex}`;
      const name = isJsonObject(call) ? ownValue(call, 'name') : undefined;
      const args = isJsonObject(call) ? plainObject(ownValue(call, 'arguments'), `${pointer}/arguments`, report) : null;
      if (typeof name !== 'string' || !args) {
        report(pointer, 'an expected call needs a name and arguments');
        return null;
      }
      const accepted: Record<string, AcceptableArgument> = {};
      for (const [key, value] of Object.entries(args)) {
        const values = isJsonObject(value) ? ownValue(value, 'values') : undefined;
        const mayOmit = isJsonObject(value) ? ownValue(value, 'mayOmit') : undefined;
        if (!Array.isArray(values) || typeof mayOmit !== 'boolean') {
          report(`${pointer}/arguments/${key}`, 'an expected argument needs values[] and mayOmit');
          return null;
        }
        accepted[key] = { values, mayOmit };
      }
      calls.push({ name, arguments: accepted });
    }
    read.push(calls);
  }
  return { turns: read };
}

function readMeta(raw: unknown, report: Report): Record<string, string> | null {
  if (!isJsonObject(raw) || Object.keys(raw).length > 64) {
    report('/meta', 'meta must be an object of at most 64 strings');
    return null;
  }
  const bad = Object.entries(raw).find(([, value]) => typeof value !== 'string' || value.length > 10_000);
  if (bad) {
    report(`/meta/${bad[0]}`, 'meta values must be strings of at most 10,000 characters');
    return null;
  }
  return Object.fromEntries(Object.entries(raw)) as Record<string, string>;
}

/** A fresh plain-JSON copy of an object (prototype keys dropped), or a reported problem. */
function plainObject(value: unknown, pointer: string, report: Report): JsonObject | null {
  if (!isJsonObject(value)) {
    report(pointer, 'must be an object');
    return null;
  }
  try {
    return copyJson(value, 0, { nodes: MAX_JSON_NODES }) as JsonObject;
  } catch (error) {
    if (!(error instanceof NotPlainJson)) throw error;
    report(pointer + error.pointer, error.message);
    return null;
  }
}

class NotPlainJson extends Error {
  constructor(
    message: string,
    public pointer = '',
  ) {
    super(message);
  }
}

/**
 * Recursive copy with a depth cap (so recursion stays shallow) and a node budget. Faster than the
 * tools module's iterative `toSafeJson`, which matters at 100,000 samples; the failing location
 * is assembled only on the way out of a failure.
 */
function copyJson(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new NotPlainJson('not plain JSON');
  }
  if (typeof value !== 'object') throw new NotPlainJson('not plain JSON');
  if (depth >= MAX_VALUE_DEPTH) throw new NotPlainJson(`nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if ((budget.nodes -= 1) < 0) throw new NotPlainJson(`more than ${MAX_JSON_NODES} values`);
  const source = value as JsonObject;
  const keys = Array.isArray(value) ? null : Object.keys(source);
  const copy: unknown[] | JsonObject = keys ? {} : new Array<unknown>((value as unknown[]).length);
  const length = keys ? keys.length : (value as unknown[]).length;
  for (let i = 0; i < length; i++) {
    const key = keys ? (keys[i] as string) : i;
    if (keys && UNSAFE_KEYS.has(key as string)) continue;
    try {
      (copy as JsonObject)[key] = copyJson(source[key], depth + 1, budget);
    } catch (error) {
      if (error instanceof NotPlainJson) error.pointer = `/${escapePointerToken(key)}${error.pointer}`;
      throw error;
    }
  }
  return copy;
}
