import { isJsonObject } from '../../tools/plainJson';
import type { ToolDefinition } from '../../tools/types';
import { callsOf, type Sample } from '../conversation';
import { DISTRACTOR_TOOLS } from './cannedText';
import type { Language } from './phrasing';
import type { Rng } from './random';

/** Switchable augmentations. Defaults: shuffle on, up to 2 distractors, format variation on, no masking. */
export interface Augmentations {
  /** Present the offered tools in random order. */
  shuffleTools?: boolean;
  /** Add up to this many unrelated tools to samples that call tools. */
  distractors?: number;
  /** Write numbers and dates in the query in other forms (words, other date orders). */
  valueFormats?: boolean;
  /** Share of samples whose tool and argument names are replaced by random ones (Hammer). */
  nameMasking?: number;
}

export const DEFAULT_AUGMENTATIONS: Required<Augmentations> = { shuffleTools: true, distractors: 2, valueFormats: true, nameMasking: 0 };

/** Up to `max` distractor tools whose names are not taken. */
export function distractorsFor(tools: readonly ToolDefinition[], max: number, rng: Rng): ToolDefinition[] {
  if (max <= 0) return [];
  const taken = new Set(tools.map((tool) => tool.name));
  return rng.sample(DISTRACTOR_TOOLS.filter((tool) => !taken.has(tool.name)), rng.int(1, max));
}

/**
 * Hammer-style masking: tool names and top-level argument names become random identifiers everywhere
 * in the sample (tools, calls, results), so the model must read descriptions, not names.
 */
export function maskNames(sample: Sample, rng: Rng): Sample {
  const token = (prefix: string): string => `${prefix}_${rng.int(0, 36 ** 4).toString(36).padStart(4, '0')}`;
  const toolNames = new Map<string, string>();
  const argNames = new Map<string, Map<string, string>>();
  const tools = sample.tools.map((tool) => {
    const masked = token('func');
    toolNames.set(tool.name, masked);
    const properties = isJsonObject(tool.parameters['properties']) ? tool.parameters['properties'] : {};
    const renamed = new Map(Object.keys(properties).map((key, index) => [key, `${token('arg')}${index}`]));
    argNames.set(tool.name, renamed);
    const rename = (key: string): string => renamed.get(key) ?? key;
    const required = tool.parameters['required'];
    const parameters = {
      ...tool.parameters,
      properties: Object.fromEntries(Object.entries(properties).map(([key, schema]) => [rename(key), schema])),
      ...(Array.isArray(required) ? { required: required.map((key: unknown) => (typeof key === 'string' ? rename(key) : key)) } : {}),
    };
    return { ...tool, name: masked, parameters };
  });
  const messages = sample.messages.map((message) => {
    if (message.role === 'tool') return { ...message, name: toolNames.get(message.name) ?? message.name };
    if (message.role !== 'assistant') return message;
    const toolCalls = message.toolCalls.map((call) => {
      const renamed = argNames.get(call.name);
      const args = Object.fromEntries(Object.entries(call.arguments).map(([key, value]) => [renamed?.get(key) ?? key, value]));
      return { ...call, name: toolNames.get(call.name) ?? call.name, arguments: args };
    });
    return { ...message, toolCalls };
  });
  const meta: Record<string, string> = { ...sample.meta, masked: 'names' };
  const missing = meta['missingArgument'];
  const caller = missing === undefined ? undefined : callsOf(sample).find((call) => argNames.get(call.name)?.has(missing));
  if (missing !== undefined && caller) meta['missingArgument'] = argNames.get(caller.name)?.get(missing) ?? missing;
  return { ...sample, tools, messages, meta };
}

const NUMBER_WORDS_EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS_EN = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const DIGITS_ZH = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Another way to write a value in a user's message, or `null` when there is none. */
export function varyValueFormat(value: unknown, language: Language, rng: Rng): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 100) return numberWords(value, language);
  if (typeof value === 'number' && Number.isInteger(value) && value % 1000 === 0 && value > 0 && language === 'en') return `${value / 1000}k`;
  const date = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!date) return null;
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  if (language === 'zh') return `${year}年${month}月${day}日`;
  return rng.pick([`${MONTHS_EN[month - 1]} ${day}, ${year}`, `${day} ${MONTHS_EN[month - 1]} ${year}`, `${month}/${day}/${year}`]);
}

function numberWords(value: number, language: Language): string {
  if (language === 'zh') {
    const tens = Math.floor(value / 10);
    const ones = value % 10;
    if (tens === 0) return DIGITS_ZH[ones] as string;
    return `${tens === 1 ? '' : DIGITS_ZH[tens]}十${ones === 0 ? '' : DIGITS_ZH[ones]}`;
  }
  if (value < 20) return NUMBER_WORDS_EN[value] as string;
  const ones = value % 10;
  return `${TENS_EN[Math.floor(value / 10)]}${ones === 0 ? '' : `-${NUMBER_WORDS_EN[ones]}`}`;
}
