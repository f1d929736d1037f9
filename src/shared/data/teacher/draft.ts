import { isJsonObject, ownValue } from '../../tools/plainJson';
import { parseSample, type Message, type Sample, type ToolCall } from '../conversation';
import type { CheckResult } from '../verification';
import type { TeacherPlan } from './plan';

/**
 * Turns a teacher's untrusted answer into a `Sample`. Only a missing skeleton makes it unusable (no
 * turns, no user text, no call where one is needed); wrong tool names, arguments that miss the
 * schema or a call in a no-call sample are kept, for verification to flag like in any other sample.
 */

export type DraftReading = { sample: Sample } | { problem: string };

interface DraftCall {
  name: unknown;
  arguments: unknown;
  result: string;
}

interface DraftTurn {
  user: string;
  question?: string;
  reply?: string;
  calls: DraftCall[];
  answer: string;
}

function resultText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function readTurn(value: unknown, index: number, asks: boolean): DraftTurn | string {
  if (!isJsonObject(value)) return `turn ${index + 1} is not an object`;
  const user = ownValue(value, 'user');
  const answer = ownValue(value, 'answer') ?? '';
  const calls = ownValue(value, 'calls') ?? [];
  if (typeof user !== 'string' || user.trim() === '') return `turn ${index + 1} has no user text`;
  if (typeof answer !== 'string') return `turn ${index + 1}: "answer" is not text`;
  if (!Array.isArray(calls)) return `turn ${index + 1}: "calls" is not a list`;
  const turn: DraftTurn = {
    user,
    answer,
    calls: calls.map((call: unknown) => (isJsonObject(call) ? { name: ownValue(call, 'name'), arguments: ownValue(call, 'arguments'), result: resultText(ownValue(call, 'result')) } : { name: undefined, arguments: undefined, result: '' })),
  };
  if (asks) {
    const question = ownValue(value, 'question');
    const reply = ownValue(value, 'reply');
    if (typeof question !== 'string' || question.trim() === '' || typeof reply !== 'string' || reply.trim() === '') return 'the question for the missing argument or the user\'s reply is missing';
    Object.assign(turn, { question, reply });
  }
  return turn;
}

/** Appends one assistant turn with `calls` and their results. Broken calls go in as-is: `parseSample` reports them. */
function pushCalls(messages: Message[], calls: readonly DraftCall[], nextId: () => string): void {
  const toolCalls = calls.map((call) => ({ id: nextId(), name: call.name, arguments: call.arguments }) as ToolCall);
  messages.push({ role: 'assistant', content: '', toolCalls });
  toolCalls.forEach((call, index) => messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: (calls[index] as DraftCall).result }));
}

export function sampleFromDraft(plan: TeacherPlan, value: unknown): DraftReading {
  const turnsValue = isJsonObject(value) ? ownValue(value, 'turns') : undefined;
  if (!Array.isArray(turnsValue) || turnsValue.length === 0) return { problem: 'the answer has no "turns" list' };
  const turns: DraftTurn[] = [];
  for (const [index, raw] of turnsValue.slice(0, plan.turns).entries()) {
    const turn = readTurn(raw, index, plan.missingArgument !== undefined);
    if (typeof turn === 'string') return { problem: turn };
    turns.push(turn);
  }
  const callCount = turns.reduce((sum, turn) => sum + turn.calls.length, 0);
  if (plan.kind !== 'no_call' && callCount === 0) return { problem: 'the teacher made no call' };

  let id = 0;
  const nextId = (): string => `call_${++id}`;
  const messages: Message[] = [];
  for (const turn of turns) {
    messages.push({ role: 'user', content: turn.user });
    if (turn.question !== undefined && turn.reply !== undefined) {
      messages.push({ role: 'assistant', content: turn.question, toolCalls: [] }, { role: 'user', content: turn.reply });
    }
    // Dependent calls wait for each other's result; every other kind calls in one turn.
    if (plan.kind === 'dependent') for (const call of turn.calls) pushCalls(messages, [call], nextId);
    else if (turn.calls.length > 0) pushCalls(messages, turn.calls, nextId);
    messages.push({ role: 'assistant', content: turn.answer, toolCalls: [] });
  }
  const meta: Record<string, string> = { language: plan.language, generator: 'teacher' };
  if (plan.missingArgument !== undefined) meta['missingArgument'] = plan.missingArgument;
  const parsed = parseSample({ messages, tools: plan.offered, kind: plan.kind, meta });
  if ('problems' in parsed) return { problem: parsed.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).slice(0, 3).join('; ') };
  return { sample: parsed.sample };
}

/**
 * What is stored for a plan the teacher could not fill: the planned kind and tools, no turns of
 * substance, and a failing `format` check that says why, so the job's sample numbering stays
 * exact for resume and the user sees each failure in the review table.
 */
export function unusableDraft(plan: TeacherPlan, problem: string): { sample: Sample; check: CheckResult } {
  return {
    sample: { messages: [{ role: 'user', content: '' }], tools: plan.offered, kind: plan.kind, meta: { language: plan.language, generator: 'teacher', teacherProblem: problem.slice(0, 500) } },
    check: { check: 'format', ok: false, message: `the teacher's answer was unusable: ${problem.slice(0, 300)}`, pointer: '' },
  };
}
