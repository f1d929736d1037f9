import type { Message, Sample, SampleKind, ToolCall } from './conversation';

/** A string argument at least this long, written by the assistant (not quoted from the user), is generated content. */
export const GENERATED_ARGUMENT_CHARS = 400;
/** Shorter values are too common ("1", "ok") to tell that they came from a tool result. */
const MIN_CARRIED_TEXT_CHARS = 3;
const MIN_CARRIED_NUMBER_CHARS = 2;

function distinctive(value: string): boolean {
  return value.length >= (/^-?\d+(\.\d+)?$/.test(value) ? MIN_CARRIED_NUMBER_CHARS : MIN_CARRIED_TEXT_CHARS);
}

/**
 * The kind of a sample from its structure, for imported samples that carry none. First match wins:
 * no call anywhere → `no_call`; an assistant turn without a call, then a user turn, then the first call →
 * `missing_argument`; a call whose arguments use an earlier call's result → `dependent`; calls after more than one
 * user turn → `multi_turn`; several calls in one turn → `parallel` (one tool) or `parallel_multiple`; a string
 * argument of 400+ characters the assistant wrote → `generate_and_save`; one call with several tools offered →
 * `multiple`; else `simple`.
 */
export function classifySampleKind(sample: Pick<Sample, 'messages' | 'tools'>): SampleKind {
  const { messages } = sample;
  const calls = messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls : []));
  if (calls.length === 0) return 'no_call';
  if (asksBeforeFirstCall(messages)) return 'missing_argument';
  if (usesEarlierResult(messages)) return 'dependent';
  if (userTurnsWithCalls(messages) > 1) return 'multi_turn';
  const parallelTurn = messages.find((m) => m.role === 'assistant' && m.toolCalls.length > 1);
  if (parallelTurn?.role === 'assistant') return new Set(parallelTurn.toolCalls.map((c) => c.name)).size === 1 ? 'parallel' : 'parallel_multiple';
  if (writesLongContent(messages, calls)) return 'generate_and_save';
  if (calls.length === 1 && sample.tools.length > 1) return 'multiple';
  return 'simple';
}

/**
 * For a `missing_argument` sample that does not name its missing argument (formats carry no `meta`): the first
 * argument of the first call whose value no user turn before the assistant's question mentions.
 */
export function inferMissingArgument(messages: readonly Message[]): string | undefined {
  const question = messages.findIndex((m) => m.role === 'assistant');
  const call = messages.slice(question + 1).flatMap((m) => (m.role === 'assistant' ? m.toolCalls : []))[0];
  if (question < 0 || call === undefined) return undefined;
  const before = messages.slice(0, question).flatMap((m) => (m.role === 'user' ? [m.content.toLowerCase()] : []));
  return Object.entries(call.arguments).find(([, value]) => {
    const text = (typeof value === 'string' ? value : JSON.stringify(value)).toLowerCase().trim();
    return text !== '' && !before.some((userText) => userText.includes(text));
  })?.[0];
}

function asksBeforeFirstCall(messages: readonly Message[]): boolean {
  const firstCall = messages.findIndex((m) => m.role === 'assistant' && m.toolCalls.length > 0);
  const question = messages.findIndex((m, i) => i < firstCall && m.role === 'assistant');
  return question >= 0 && messages.some((m, i) => i > question && i < firstCall && m.role === 'user');
}

/**
 * A call that carries something only an earlier tool result holds (no earlier user or system text does): an argument
 * value found in a result (`"A-7731"` from `{"order_id": "A-7731"}`), or a value of a JSON result found inside an
 * argument (`cloudy` in "Weather report for Oslo: cloudy, 4 degrees").
 */
function usesEarlierResult(messages: readonly Message[]): boolean {
  const results: string[] = [];
  const resultValues: string[] = [];
  const prompts: string[] = [];
  const fromResult = (value: string) => distinctive(value) && !prompts.some((p) => p.includes(value));
  for (const message of messages) {
    if (message.role === 'tool') {
      results.push(message.content);
      resultValues.push(...leafValues(parseJson(message.content)).filter(distinctive));
    } else if (message.role === 'user' || message.role === 'system') {
      prompts.push(message.content);
    } else if (results.length > 0) {
      const carried = message.toolCalls.some((call) =>
        leafValues(call.arguments).some(
          (value) => (results.some((r) => r.includes(value)) && fromResult(value)) || resultValues.some((v) => value.includes(v) && fromResult(v)),
        ),
      );
      if (carried) return true;
    }
  }
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function userTurnsWithCalls(messages: readonly Message[]): number {
  let count = 0;
  let counted = true; // no user turn yet
  for (const message of messages) {
    if (message.role === 'user') counted = false;
    else if (message.role === 'assistant' && message.toolCalls.length > 0 && !counted) {
      count++;
      counted = true;
    }
  }
  return count;
}

function writesLongContent(messages: readonly Message[], calls: readonly ToolCall[]): boolean {
  const userText = messages.flatMap((m) => (m.role === 'user' ? [m.content] : []));
  return calls.some((call) =>
    leafValues(call.arguments).some((value) => value.length >= GENERATED_ARGUMENT_CHARS && !userText.some((text) => text.includes(value))),
  );
}

/** String and number leaves of an argument value, as text. */
function leafValues(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number') into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) leafValues(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) leafValues(item, into);
  return into;
}
