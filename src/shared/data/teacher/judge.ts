import { isJsonObject, ownValue } from '../../tools/plainJson';
import type { Sample } from '../conversation';
import type { CheckResult } from '../verification';
import type { TeacherPrompt } from './prompt';

/** The semantic check: the teacher reads a sample and says whether its calls do what the user asked. */

const REASON_MAX = 300;
/** The conversation shown to the judge; long generated texts are cut, the calls stay readable. */
const CONVERSATION_CHARS = 6000;
const CONTENT_CHARS = 400;

const SYSTEM = [
  'You review training data for tool calling.',
  'Decide whether the assistant\'s tool calls (names and argument values) do what the user asked, and whether answering without a call was right when no call is made.',
  'Reply with one JSON object {"ok": true|false, "reason": "..."} and nothing else; the reason is one short sentence.',
].join(' ');

const VERDICT_SCHEMA = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, reason: { type: 'string', maxLength: REASON_MAX } },
  required: ['ok', 'reason'],
  additionalProperties: false,
};

function transcript(sample: Sample): string {
  const cut = (text: string) => (text.length > CONTENT_CHARS ? `${text.slice(0, CONTENT_CHARS)}…` : text);
  const lines = sample.messages.map((message) => {
    if (message.role !== 'assistant') return `${message.role}: ${cut(message.content)}`;
    const calls = message.toolCalls.map((call) => `call ${call.name}(${cut(JSON.stringify(call.arguments))})`);
    return ['assistant:', cut(message.content), ...calls].filter((part) => part !== '').join(' ');
  });
  return lines.join('\n').slice(0, CONVERSATION_CHARS);
}

export function judgePrompt(sample: Sample, seed: number): TeacherPrompt {
  const tools = sample.tools.map(({ name, description, parameters }) => ({ name, description, parameters }));
  const user = `Tools (JSON):\n${JSON.stringify(tools)}\n\nConversation:\n${transcript(sample)}\n\nDo the calls match the request?`;
  return { system: SYSTEM, user, schema: VERDICT_SCHEMA, seed };
}

/** The `semantic` check from an untrusted verdict, or `null` when the verdict is unreadable. */
export function semanticCheck(value: unknown): CheckResult | null {
  const ok = isJsonObject(value) ? ownValue(value, 'ok') : undefined;
  const reason = isJsonObject(value) ? ownValue(value, 'reason') : undefined;
  if (typeof ok !== 'boolean') return null;
  const said = typeof reason === 'string' ? reason.trim().slice(0, REASON_MAX) : '';
  return { check: 'semantic', ok, message: said || (ok ? 'the teacher finds the calls match the request' : 'the teacher finds the calls do not match the request') };
}
