import { isJsonObject } from '../../tools/plainJson';
import type { ToolDefinition } from '../../tools/types';
import type { SampleKind } from '../conversation';

/**
 * Phrasing templates: plain, user-editable data (stored per project). `{name}` placeholders take
 * an argument's value or a slot's value; `{$1.field}` a field of step 1's result (dependent calls);
 * `{a*b}` the product of two numeric values (e.g. an amount times a rate).
 */

export type Language = 'en' | 'zh';

export interface ToolPhrasing {
  /**
   * User requests. A required argument whose placeholder is absent makes the template an opener
   * for a missing-argument sample; an optional argument is passed only when its placeholder is there.
   */
  queries: string[];
  /** What the assistant asks when a required argument is missing, per argument. */
  askFor?: Record<string, string[]>;
  /** How the user then supplies it (default: the bare value). */
  replies?: Record<string, string[]>;
  /** Simulated results: JSON text with placeholders. */
  results?: string[];
  /** The assistant's answer once the result is in. */
  answers?: string[];
  /** Values for placeholders that are not arguments, and preferred values for arguments. */
  slots?: Record<string, (string | number)[]>;
  /** The argument the assistant writes itself (generate-then-save), e.g. a story's `content`. */
  generated?: string;
  /** The kinds of sample whose requested call this tool may be; default: all. */
  targetKinds?: SampleKind[];
}

/** One call's output feeding the next (a dependent sample). */
export interface DependentTemplate {
  query: string;
  steps: { tool: string; arguments: Record<string, string> }[];
  answer: string;
  slots?: Record<string, (string | number)[]>;
}

export interface PhrasingSet {
  language: Language;
  tools: Record<string, ToolPhrasing>;
  chains?: DependentTemplate[];
}

const PLACEHOLDER = /\{([$\w.*]+)\}/g;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/**
 * Fills `{…}` from `values`; `render` turns a value into text (JSON-escaping for result templates,
 * number words for variation). Unknown placeholders stay as they are, so mistakes show.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, unknown>>, render: (value: unknown, key: string) => string = textOf): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => {
    const value = lookupValue(values, key);
    return value === undefined ? whole : render(value, key);
  });
}

/** A placeholder's raw value: a key, a `$n.field` path, or a product `a*b`. */
export function lookupValue(values: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(values, key)) return values[key];
  if (key.includes('*')) {
    const factors = key.split('*').map((part) => Number(lookupValue(values, part)));
    return factors.every(Number.isFinite) ? Math.round(factors.reduce((a, b) => a * b, 1) * 100) / 100 : undefined;
  }
  const [head, ...path] = key.split('.');
  let node: unknown = head !== undefined && Object.hasOwn(values, head) ? values[head] : undefined;
  for (const part of path) node = isJsonObject(node) && Object.hasOwn(node, part) ? node[part] : undefined;
  return path.length > 0 ? node : undefined;
}

export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join(', ');
  return JSON.stringify(value);
}

/** For JSON result templates: the value as it goes inside a JSON string or in a number slot. */
export function jsonTextOf(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
}

/**
 * Starter templates for a tool from its name and description, for the user to edit: a verb phrase
 * from the name (`get_weather` → "get weather"), every required argument as a placeholder, one
 * variant with the optional ones too, and one opener without the first required argument.
 */
export function starterPhrasing(tool: ToolDefinition): ToolPhrasing {
  const words = tool.name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\-\s.]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  const action = words.join(' ');
  const properties = isJsonObject(tool.parameters['properties']) ? Object.keys(tool.parameters['properties']) : [];
  const required = Array.isArray(tool.parameters['required']) ? tool.parameters['required'].filter((key): key is string => typeof key === 'string') : [];
  const optional = properties.filter((key) => !required.includes(key));
  const phrase = (keys: string[]): string => keys.map((key) => `${key.replace(/_/g, ' ')} {${key}}`).join(', ');
  const withArgs = (keys: string[]): string => (keys.length > 0 ? ` with ${phrase(keys)}` : '');
  const description = tool.description.trim().replace(/\.$/, '');
  const queries = [
    `Please ${action}${withArgs(required)}.`,
    `Can you ${action}${withArgs(required)}?`,
    `I need you to ${action}${withArgs(required)}.`,
  ];
  if (optional.length > 0) queries.push(`Could you ${action}${withArgs([...required, ...optional])}?`);
  if (description !== '') queries.push(`${description}${withArgs(required)}, please.`);
  if (required.length > 0) queries.push(`I'd like to ${action}${withArgs(required.slice(1))}.`);
  return {
    queries,
    askFor: Object.fromEntries(required.map((key) => [key, [`Sure. What ${key.replace(/_/g, ' ')} should I use?`]])),
    results: ['{"status": "ok"}'],
    answers: [`Done: I used ${tool.name} for you.`],
  };
}
