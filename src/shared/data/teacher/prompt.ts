import type { JsonSchemaObject, ToolDefinition } from '../../tools/types';
import { callsOf, type Sample } from '../conversation';
import type { Language } from '../synthesis/phrasing';
import { draftSchema } from './draftSchema';
import { SCENARIO_COUNT, type TeacherPlan } from './plan';

/** One request to a teacher: chat messages plus the JSON Schema its answer must follow. */
export interface TeacherPrompt {
  system: string;
  user: string;
  schema: JsonSchemaObject;
  seed: number;
}

/** Project samples shown as examples, at most. */
export const MAX_EXAMPLES = 3;
const EXAMPLE_CHARS = 600;

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', zh: 'Simplified Chinese (简体中文)' };

const SCENARIOS: readonly string[] = [
  'in a hurry, terse',
  'polite and detailed',
  'planning a trip',
  'at work, between meetings',
  'helping a family member',
  'casual, with a typo or two',
  'a first-time user unsure what to ask',
  'comparing options before deciding',
  'late at night, tired',
  'precise, gives exact values',
  'following up on something earlier in the day',
  'asking on behalf of a colleague',
];
if (SCENARIOS.length !== SCENARIO_COUNT) throw new Error('SCENARIOS must have SCENARIO_COUNT entries');

const SYSTEM = [
  'You write training data that teaches a small language model to call tools correctly.',
  'Write realistic user requests, the exact tool calls a careful assistant makes, short plausible tool results and helpful final answers.',
  'Arguments must fit each tool schema and follow from what the user said. Never invent tools.',
  'Reply with one JSON object in the requested shape and nothing else.',
].join(' ');

const quote = (tool: ToolDefinition): string => JSON.stringify(tool.name);
const names = (tools: readonly ToolDefinition[]): string => tools.map(quote).join(', ');

function task(plan: TeacherPlan): string {
  const [first, second] = plan.targets;
  const target = first ? quote(first) : '';
  switch (plan.kind) {
    case 'simple':
      return `The user asks for something that needs exactly one call of ${target}.`;
    case 'multiple':
      return `Several tools are offered, but only ${target} fits the user's request: make exactly one call of it.`;
    case 'parallel':
      return `The user asks for 2 or 3 things at once, each needing ${target} with different arguments: make all the calls in the one turn.`;
    case 'parallel_multiple':
      return `The user asks for several things at once that together need ${names(plan.targets)}: make every call in the one turn.`;
    case 'multi_turn':
      return `A conversation of ${plan.turns} user turns. Each turn either makes one call of ${names(plan.targets)} or is answered without a call; later turns build on earlier ones. At least one turn makes a call.`;
    case 'missing_argument':
      return `The user asks for something that needs ${target} but does not give "${plan.missingArgument ?? ''}" (no hint of its value). In "question" the assistant asks for it, in "reply" the user gives it, then make the one call with every required argument.`;
    case 'no_call':
      return 'None of the tools fits: the user chats or asks something outside them. The assistant answers briefly or declines, with no call ("calls": []).';
    case 'generate_and_save':
      return `The user asks the assistant to write something long (a story, a note, a letter) and save it with ${target}; the call passes the whole written text as "${plan.contentArgument ?? ''}".`;
    case 'dependent':
      return `The request needs ${target} first and then ${second ? quote(second) : ''}, whose arguments use values from the first call's result: make both calls in that order.`;
  }
}

/** A compact view of a project sample: what the user said and what was called. */
function example(sample: Sample): string {
  const user = sample.messages.find((message) => message.role === 'user')?.content ?? '';
  const calls = callsOf(sample).map((call) => ({ name: call.name, arguments: call.arguments }));
  return JSON.stringify({ user, calls }).slice(0, EXAMPLE_CHARS);
}

/** The request for one planned sample, with a few of the project's own samples as style examples. */
export function teacherPrompt(plan: TeacherPlan, examples: readonly Sample[]): TeacherPrompt {
  const tools = plan.offered.map(({ name, description, parameters }) => ({ name, description, parameters }));
  const lines = [
    `Tools offered to the assistant (JSON):\n${JSON.stringify(tools)}`,
    `Task: ${task(plan)}`,
    'Each call has "name", "arguments" (an object fitting the tool\'s parameters) and "result" (a short JSON text the tool might return). "answer" is the assistant\'s reply after the results.',
    `Write every user and assistant text in ${LANGUAGE_NAMES[plan.language]}. The user is ${SCENARIOS[plan.scenario] ?? SCENARIOS[0]}.`,
  ];
  if (examples.length > 0) lines.push(`Requests this project already has (vary from them, keep their style):\n${examples.slice(0, MAX_EXAMPLES).map(example).join('\n')}`);
  const shape = plan.missingArgument === undefined ? '{"turns": [{"user": "...", "calls": [{"name": "...", "arguments": {}, "result": "..."}], "answer": "..."}]}' : '{"turns": [{"user": "...", "question": "...", "reply": "...", "calls": [{"name": "...", "arguments": {}, "result": "..."}], "answer": "..."}]}';
  lines.push(`Reply with JSON of this shape: ${shape}`);
  return { system: SYSTEM, user: lines.join('\n\n'), schema: draftSchema(plan), seed: plan.seed };
}
