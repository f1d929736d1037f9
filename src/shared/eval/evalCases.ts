/**
 * Eval cases from samples: the points in a conversation where the model answers, and what each accepts.
 *
 * A recorded sample (the project's eval split) is scored where it has an assistant turn that answers a user
 * (calls or text) and where it calls tools after earlier results (dependent and multi-turn calls); a final
 * text answer to tool results is not scored, as in BFCL. At each point the model gets the recorded history up
 * to it. A missing-argument case is scored at its first turn only: it passes when the model asks instead of
 * calling. A BFCL case (`sample.expected`) is scored at each user turn with BFCL's acceptable values.
 */
import { classifySampleKind } from '../data/classifyKind';
import type { Message, Sample, SampleKind } from '../data/conversation';
import type { AcceptableArgument, ExpectedCall } from '../data/evalExpectation';
import { isJsonObject, type JsonObject } from '../tools/plainJson';
import type { ToolDefinition } from '../tools/types';

/** A tool's parameter schema by name, among the tools one case offers. */
export type ToolParameters = (name: string) => JsonObject | undefined;

export function toolParameters(tools: readonly ToolDefinition[]): ToolParameters {
  return (name) => tools.find((t) => t.name === name)?.parameters;
}

export interface EvalStep {
  /** The model answers after `messages.slice(0, promptEnd)`. */
  promptEnd: number;
  /** Empty: no call expected (the model should answer or ask in text). */
  expected: ExpectedCall[];
}

export interface EvalCase {
  id: string;
  kind: SampleKind;
  tools: ToolDefinition[];
  messages: Message[];
  steps: EvalStep[];
}

/** An argument a recorded call gave: that value. An optional parameter it left out: may stay out, nothing else passes. */
function expectedFromRecorded(call: { name: string; arguments: Record<string, unknown> }, tools: readonly ToolDefinition[]): ExpectedCall {
  const args: Record<string, AcceptableArgument> = {};
  for (const [key, value] of Object.entries(call.arguments)) args[key] = { values: [value], mayOmit: false };
  const properties = tools.find((t) => t.name === call.name)?.parameters['properties'];
  if (isJsonObject(properties)) for (const key of Object.keys(properties)) if (!Object.hasOwn(args, key)) args[key] = { values: [], mayOmit: true };
  return { name: call.name, arguments: args };
}

function recordedSteps(messages: readonly Message[], tools: readonly ToolDefinition[]): EvalStep[] {
  const steps: EvalStep[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const before = messages[i - 1]?.role;
    if (message.role !== 'assistant' || (before !== 'user' && before !== 'tool')) continue;
    // Consecutive assistant messages (text, then calls) are one generation.
    const calls = [];
    for (let j = i; j < messages.length && messages[j]!.role === 'assistant'; j++) {
      const turn = messages[j] as Extract<Message, { role: 'assistant' }>;
      calls.push(...turn.toolCalls);
    }
    if (before === 'tool' && calls.length === 0) continue;
    steps.push({ promptEnd: i, expected: calls.map((call) => expectedFromRecorded(call, tools)) });
  }
  return steps;
}

/** BFCL cases: one step after each user turn (its last message), expecting that turn's calls. */
function expectedSteps(sample: Sample): EvalStep[] {
  const turns = sample.expected?.turns ?? [];
  const ends: number[] = [];
  sample.messages.forEach((message, i) => {
    if (message.role === 'user' && sample.messages[i + 1]?.role !== 'user') ends.push(i + 1);
  });
  return turns.slice(0, ends.length).map((expected, t) => ({ promptEnd: ends[t]!, expected }));
}

/** A BFCL case as a conversation with its expected calls (first acceptable values) after each turn: what the kind classifier reads. */
function withExpectedCalls(sample: Sample, steps: readonly EvalStep[]): Pick<Sample, 'messages' | 'tools'> {
  const messages: Message[] = [];
  let from = 0;
  steps.forEach((step, t) => {
    messages.push(...sample.messages.slice(from, step.promptEnd));
    from = step.promptEnd;
    const toolCalls = step.expected.map((call, i) => ({
      id: `call_${t}_${i}`,
      name: call.name,
      arguments: Object.fromEntries(Object.entries(call.arguments).flatMap(([key, a]) => (a.values.length > 0 ? [[key, a.values[0]]] : []))),
    }));
    messages.push({ role: 'assistant', content: '', toolCalls });
  });
  return { messages, tools: sample.tools };
}

/** The case a sample makes; `null` when it has nothing to score. */
export function evalCaseOf(id: string, sample: Sample): EvalCase | null {
  let steps = sample.expected ? expectedSteps(sample) : recordedSteps(sample.messages, sample.tools);
  const kind = sample.kind ?? classifySampleKind(sample.expected ? withExpectedCalls(sample, steps) : sample);
  if (kind === 'missing_argument') steps = steps.slice(0, 1);
  if (steps.length === 0) return null;
  return { id, kind, tools: sample.tools, messages: sample.messages, steps };
}
