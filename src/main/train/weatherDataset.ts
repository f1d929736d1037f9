/**
 * Deterministic synthetic `get_weather(city, unit?)` tool-call conversations, for the native
 * learning test, the loss check and the training benchmark.
 *
 * Held-out cities never occur in training, so a model can only pass by *copying* the city from the user
 * turn into the call, which is what tool calling needs.
 */
import type { ToolDefinition } from '../../shared/tools/types.js';
import type { RenderableSample } from './renderConversation.js';
import { mulberry32 } from '../../shared/mulberry32.js';

export const WEATHER_TOOLS: ToolDefinition[] = [
  {
    name: 'get_weather',
    description: 'Get the current weather for a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
    },
  },
];

/** Short on purpose: the system prompt is context on every sample and costs training time. */
export const WEATHER_SYSTEM_PROMPT = 'Call tools.';

/**
 * Capitalized words that are single tokens of the vocabulary (e.g. "Berlin", "Tokyo"), shuffled by
 * seed. Quoted in the user turn (`"Berlin"`) they tokenize to the same single token as inside the
 * call's JSON, so a tiny model can learn tool calls by copying one token: copying-friendly
 * arguments keep the learning test within minutes on 2 CPU cores.
 */
export function singleTokenWords(vocabulary: readonly string[], count: number, seed: number): string[] {
  const words = vocabulary.filter((t) => /^[A-Z][a-z]{3,9}$/.test(t));
  const rand = mulberry32(seed);
  for (let i = words.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [words[i], words[j]] = [words[j]!, words[i]!];
  }
  if (words.length < count) throw new Error(`only ${words.length} single-token words in the vocabulary`);
  return words.slice(0, count);
}

export interface WeatherSample {
  conversation: RenderableSample;
  /** The prompt-only conversation (system + user), for generation. */
  prompt: RenderableSample;
  /** The exact assistant call text the Qwen2.5 template renders. */
  expectedCall: string;
  city: string;
  unit: 'celsius' | 'fahrenheit' | undefined;
}

/**
 * The city is always the last word of the user turn, so the distance from it to the argument slot
 * of the call is the same in every sample: a tiny model can copy it with a fixed-offset attention head
 * instead of a content search it has no capacity for. The unit, when asked, comes first.
 */
const USER_TEMPLATES: Array<(city: string, unit: string | undefined) => string> = [
  (c, u) => `${u ? `In ${u}, ` : ''}weather in "${c}"`,
  (c, u) => `${u ? `Using ${u}: ` : ''}what is the weather in "${c}"`,
  (c, u) => `${u ? `${u[0]!.toUpperCase()}${u.slice(1)} please. ` : ''}How warm is it in "${c}"`,
];

/**
 * One single-turn sample per city: user asks, assistant calls get_weather. `unitShare` is the fraction
 * of samples that ask for a unit (default 0.5, split evenly between celsius and fahrenheit).
 */
export function weatherSamples(cities: readonly string[], seed: number, options: { unitShare?: number } = {}): WeatherSample[] {
  const unitShare = options.unitShare ?? 0.5;
  const rand = mulberry32(seed);
  return cities.map((city) => {
    const r = rand();
    const unit = r < 1 - unitShare ? undefined : r < 1 - unitShare / 2 ? 'celsius' : 'fahrenheit';
    const template = USER_TEMPLATES[Math.floor(rand() * USER_TEMPLATES.length)]!;
    const args: Record<string, unknown> = unit === undefined ? { city } : { city, unit };
    const prompt: RenderableSample = {
      tools: WEATHER_TOOLS,
      messages: [
        { role: 'system', content: WEATHER_SYSTEM_PROMPT },
        { role: 'user', content: template(city, unit) },
      ],
    };
    const conversation: RenderableSample = {
      tools: WEATHER_TOOLS,
      messages: [...prompt.messages, { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: args }] }],
    };
    const expectedCall = `<tool_call>\n{"name": "get_weather", "arguments": ${JSON.stringify(args).replace(/":"/g, '": "').replace(/","/g, '", "')}}\n</tool_call>`;
    return { conversation, prompt, expectedCall, city, unit };
  });
}
