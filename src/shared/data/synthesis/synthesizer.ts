import { isJsonObject, type JsonObject } from '../../tools/plainJson';
import type { ToolDefinition } from '../../tools/types';
import { assignSequentialCallIds, SAMPLE_KINDS, type Message, type Sample, type SampleKind, type ToolCall } from '../conversation';
import { parseEmbeddedJson } from '../formats/records';
import { DEFAULT_AUGMENTATIONS, distractorsFor, maskNames, varyValueFormat, type Augmentations } from './augment';
import { GENERIC, joinQueries, noCallExchange, writeStory } from './cannedText';
import { fillTemplate, jsonTextOf, lookupValue, placeholdersOf, starterPhrasing, textOf, type DependentTemplate, type Language, type PhrasingSet, type ToolPhrasing } from './phrasing';
import { Rng } from './random';
import { SchemaSampler } from './sampleValue';

/**
 * The schema-driven generator: complete conversations of every kind from tools and phrasing
 * templates, no model needed. Sample `i` of a run depends only on (tools, phrasings, options, i),
 * so a run can be produced in chunks, resumed, or split across workers.
 */

export const DEFAULT_MIX: Readonly<Record<SampleKind, number>> = {
  simple: 20,
  multiple: 14,
  parallel: 10,
  parallel_multiple: 8,
  multi_turn: 12,
  missing_argument: 8,
  no_call: 14,
  generate_and_save: 7,
  dependent: 7,
};

export interface SynthesisOptions {
  seed: number;
  /** Relative weights per kind (default `DEFAULT_MIX`; kinds left out get none); kinds the tools cannot support are dropped. */
  mix?: Partial<Record<SampleKind, number>>;
  /** Relative weights per language; default English only. */
  languages?: Partial<Record<Language, number>>;
  /** A system message to start every sample with; none by default (the chat template adds the tools). */
  systemPrompt?: string;
  augment?: Augmentations;
}

interface ToolPlan {
  tool: ToolDefinition;
  phrasing: ToolPhrasing;
  required: string[];
  /** Templates with every required argument (the generated one aside). */
  complete: string[];
  /** Missing-argument openers: template → the required argument it leaves out. */
  openers: { template: string; missing: string }[];
}

interface LanguagePlan {
  plans: ToolPlan[];
  chains: DependentTemplate[];
}

/** One instantiated call: what the user says, the call, its simulated result and the answer. */
interface Instance {
  query: string;
  call: Omit<ToolCall, 'id'>;
  result: string;
  answer: string;
  values: Record<string, unknown>;
}

export class Synthesizer {
  /** Kinds this tool set supports, with their weights. */
  readonly mix: Partial<Record<SampleKind, number>>;
  /** Kinds asked for but impossible with these tools and templates (e.g. `dependent` without chains). */
  readonly unavailable: SampleKind[];
  private readonly byLanguage = new Map<Language, LanguagePlan>();
  private readonly augment: Required<Augmentations>;

  constructor(
    private readonly tools: readonly ToolDefinition[],
    phrasings: readonly PhrasingSet[],
    private readonly options: SynthesisOptions,
  ) {
    this.augment = { ...DEFAULT_AUGMENTATIONS, ...options.augment };
    for (const language of Object.keys(options.languages ?? { en: 1 }) as Language[]) {
      const set = phrasings.find((p) => p.language === language);
      // English falls back to starter templates; other languages use only tools they have text for.
      const plans = tools
        .map((tool) => set?.tools[tool.name] ?? (language === 'en' ? starterPhrasing(tool) : undefined))
        .map((phrasing, index) => (phrasing ? planTool(tools[index] as ToolDefinition, phrasing) : null))
        .filter((plan): plan is ToolPlan => plan !== null);
      const usable = (chain: DependentTemplate): boolean => chain.steps.every((step) => plans.some((p) => p.tool.name === step.tool && p.complete.length > 0));
      if (plans.length > 0) this.byLanguage.set(language, { plans, chains: (set?.chains ?? []).filter(usable) });
    }
    const wanted = options.mix ?? DEFAULT_MIX;
    this.mix = {};
    this.unavailable = [];
    for (const kind of SAMPLE_KINDS) {
      if ((wanted[kind] ?? 0) <= 0) continue;
      if (this.supports(kind)) this.mix[kind] = wanted[kind];
      else this.unavailable.push(kind);
    }
  }

  /** Sample number `index` of this run; `null` only when no kind is possible at all. */
  sample(index: number): Sample | null {
    if (Object.keys(this.mix).length === 0 || this.byLanguage.size === 0) return null;
    const rng = new Rng(this.options.seed, index);
    const kind = rng.weighted(this.mix);
    const languages = Object.fromEntries(Object.entries(this.options.languages ?? { en: 1 }).filter(([language]) => this.byLanguage.has(language as Language)));
    let language = rng.weighted(languages as Partial<Record<Language, number>>);
    if (!this.supportsIn(kind, language)) language = 'en';
    const plan = this.byLanguage.get(language) as LanguagePlan;
    const builder = new ConversationBuilder(rng, language, this.augment.valueFormats);
    const offered = this.build(kind, plan, builder);
    let sample: Sample = { messages: builder.messages, tools: offered, kind, meta: { language, generator: 'schema' } };
    if (this.options.systemPrompt) sample.messages.unshift({ role: 'system', content: this.options.systemPrompt });
    if (builder.missingArgument) (sample.meta as Record<string, string>)['missingArgument'] = builder.missingArgument;
    if (kind !== 'no_call' && kind !== 'multiple') sample.tools = [...sample.tools, ...distractorsFor(sample.tools, rng.chance(0.5) ? this.augment.distractors : 0, rng)];
    if (this.augment.shuffleTools) sample.tools = rng.shuffle(sample.tools);
    if (rng.chance(this.augment.nameMasking)) sample = maskNames(sample, rng);
    assignSequentialCallIds(sample.messages);
    return sample;
  }

  private supports(kind: SampleKind): boolean {
    return [...this.byLanguage.keys()].some((language) => this.supportsIn(kind, language));
  }

  private supportsIn(kind: SampleKind, language: Language): boolean {
    const plan = this.byLanguage.get(language);
    if (!plan) return false;
    const callable = callableFor(plan, kind);
    switch (kind) {
      case 'simple':
      case 'parallel':
      case 'multi_turn':
        return callable.length > 0;
      case 'multiple':
        return callable.length > 0 && (this.tools.length > 1 || this.augment.distractors > 0);
      case 'parallel_multiple':
        return callable.length > 1;
      case 'missing_argument':
        return callable.some((p) => p.openers.length > 0);
      case 'no_call':
        return true;
      case 'generate_and_save':
        return plan.plans.some((p) => p.phrasing.generated && p.complete.length > 0);
      case 'dependent':
        return plan.chains.length > 0;
    }
  }

  /** Fills the builder's messages for one kind and returns the tools offered. */
  private build(kind: SampleKind, plan: LanguagePlan, b: ConversationBuilder): ToolDefinition[] {
    const rng = b.rng;
    const callable = callableFor(plan, kind);
    const all = plan.plans.map((p) => p.tool);
    switch (kind) {
      case 'simple': {
        const target = rng.pick(callable);
        b.exchange([b.instantiate(target)]);
        return [target.tool];
      }
      case 'multiple': {
        const target = rng.pick(callable);
        b.exchange([b.instantiate(target)]);
        const others = all.filter((tool) => tool !== target.tool);
        const offered = [target.tool, ...rng.sample(others, rng.int(1, Math.max(1, others.length)))];
        return offered.length > 1 ? offered : [...offered, ...distractorsFor(offered, Math.max(1, this.augment.distractors), rng)];
      }
      case 'parallel': {
        const target = rng.pick(callable);
        b.exchange(Array.from({ length: rng.int(2, 3) }, () => b.instantiate(target)));
        return [target.tool];
      }
      case 'parallel_multiple': {
        const targets = rng.sample(callable, rng.int(2, Math.min(3, callable.length)));
        b.exchange(targets.map((target) => b.instantiate(target)));
        return all;
      }
      case 'multi_turn': {
        const rounds = rng.int(2, 3);
        for (let i = 0; i < rounds; i++) {
          if (i > 0 && rng.chance(0.25)) b.chat(noCallExchange(b.language, rng));
          else b.exchange([b.instantiate(rng.pick(callable))]);
        }
        return all;
      }
      case 'missing_argument': {
        const target = rng.pick(callable.filter((p) => p.openers.length > 0));
        b.askThenCall(target);
        return all;
      }
      case 'no_call':
        b.chat(noCallExchange(b.language, rng));
        return rng.sample(all, rng.int(1, all.length));
      case 'generate_and_save': {
        const target = rng.pick(plan.plans.filter((p) => p.phrasing.generated && p.complete.length > 0));
        b.exchange([b.instantiate(target)]);
        return all;
      }
      case 'dependent':
        b.chain(rng.pick(plan.chains), plan.plans);
        return all;
    }
  }
}

/** Tools that can be the requested call of a sample of this kind: complete templates, nothing generated, the kind allowed. */
function callableFor(plan: LanguagePlan, kind: SampleKind): ToolPlan[] {
  return plan.plans.filter((p) => !p.phrasing.generated && p.complete.length > 0 && (p.phrasing.targetKinds?.includes(kind) ?? true));
}

function planTool(tool: ToolDefinition, phrasing: ToolPhrasing): ToolPlan {
  const required = Array.isArray(tool.parameters['required']) ? tool.parameters['required'].filter((key): key is string => typeof key === 'string') : [];
  const needed = required.filter((key) => key !== phrasing.generated);
  const complete: string[] = [];
  const openers: ToolPlan['openers'] = [];
  for (const template of phrasing.queries) {
    const present = new Set(placeholdersOf(template));
    const missing = needed.filter((key) => !present.has(key));
    if (missing.length === 0) complete.push(template);
    else if (missing.length === 1) openers.push({ template, missing: missing[0] as string });
  }
  return { tool, phrasing, required, complete, openers };
}

class ConversationBuilder {
  readonly messages: Message[] = [];
  missingArgument: string | undefined;
  private nextId = 1;

  constructor(
    readonly rng: Rng,
    readonly language: Language,
    private readonly varyFormats: boolean,
  ) {}

  /** Values for a tool's arguments and slots, and the call built from a template. */
  instantiate(plan: ToolPlan, template = this.rng.pick(plan.complete), omit?: string): Instance {
    const { tool, phrasing } = plan;
    const rng = this.rng;
    const values: Record<string, unknown> = {};
    for (const [slot, options] of Object.entries(phrasing.slots ?? {})) if (options.length > 0) values[slot] = rng.pick(options);
    const properties = isJsonObject(tool.parameters['properties']) ? tool.parameters['properties'] : {};
    const sampler = new SchemaSampler(tool.parameters, rng);
    const present = new Set(placeholdersOf(template));
    const args: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(properties)) {
      if (key === phrasing.generated) continue;
      const slotValue = values[key];
      let value = slotValue !== undefined && fitsEnum(schema, slotValue) ? slotValue : sampler.value(schema, key, 1);
      // Two arguments with the same value ("convert USD to USD") read wrong and blur missing-argument checks.
      for (let retry = 0; retry < 4 && Object.values(args).includes(value); retry++) value = sampler.value(schema, key, 1);
      const passed = plan.required.includes(key) || present.has(key);
      values[key] = passed || !isJsonObject(schema) || !Object.hasOwn(schema, 'default') ? value : schema['default'];
      if (passed) args[key] = values[key];
    }
    if (phrasing.generated) {
      const topic = textOf(values['topic'] ?? values['title'] ?? tool.description);
      values[phrasing.generated] = args[phrasing.generated] = writeStory(topic, this.language, rng);
    }
    if (omit !== undefined) delete args[omit];
    const result = fillTemplate(rng.pick(phrasing.results ?? ['{"status": "ok"}']), values, jsonTextOf);
    const answer = fillTemplate(rng.pick(phrasing.answers ?? [GENERIC[this.language].done]), values);
    return { query: this.queryText(template, values), call: { name: tool.name, arguments: args }, result, answer, values };
  }

  /** User asks for all instances at once; one assistant turn calls them all; results; one answer. */
  exchange(instances: Instance[]): void {
    this.messages.push({ role: 'user', content: joinQueries(instances.map((i) => i.query), this.language, this.rng) });
    this.callAndAnswer(instances, instances.map((i) => i.answer).join(GENERIC[this.language].joinAnswers));
  }

  chat(exchange: { query: string; answer: string }): void {
    this.messages.push({ role: 'user', content: exchange.query }, { role: 'assistant', content: exchange.answer, toolCalls: [] });
  }

  askThenCall(plan: ToolPlan): void {
    const opener = this.rng.pick(plan.openers);
    const instance = this.instantiate(plan, opener.template, opener.missing);
    const missing = opener.missing;
    const questions = plan.phrasing.askFor?.[missing] ?? [GENERIC[this.language].ask.replace('{argument}', missing.replace(/_/g, ' '))];
    const replies = plan.phrasing.replies?.[missing] ?? [`{${missing}}`];
    this.messages.push({ role: 'user', content: instance.query }, { role: 'assistant', content: fillTemplate(this.rng.pick(questions), instance.values), toolCalls: [] });
    this.messages.push({ role: 'user', content: this.queryText(this.rng.pick(replies), instance.values) });
    instance.call.arguments[missing] = instance.values[missing];
    this.missingArgument = missing;
    this.callAndAnswer([instance], instance.answer);
  }

  /** Dependent calls: each step waits for the previous result, whose fields feed its arguments. */
  chain(template: DependentTemplate, plans: readonly ToolPlan[]): void {
    const first = plans.find((p) => p.tool.name === template.steps[0]?.tool) as ToolPlan;
    const values: Record<string, unknown> = { ...this.instantiate(first, first.complete[0]).values };
    for (const [slot, options] of Object.entries(template.slots ?? {})) if (options.length > 0) values[slot] = this.rng.pick(options);
    this.messages.push({ role: 'user', content: this.queryText(template.query, values) });
    template.steps.forEach((step, index) => {
      const plan = plans.find((p) => p.tool.name === step.tool) as ToolPlan;
      const args = Object.fromEntries(Object.entries(step.arguments).map(([key, text]) => [key, resolveArgument(text, values)]));
      const stepValues = { ...this.instantiate(plan, plan.complete[0]).values, ...values, ...args };
      const result = fillTemplate(this.rng.pick(plan.phrasing.results ?? ['{"status": "ok"}']), stepValues, jsonTextOf);
      values[`$${index + 1}`] = parseEmbeddedJson(result) ?? result;
      this.callAndAnswer([{ query: '', call: { name: step.tool, arguments: args }, result, answer: '', values: stepValues }], null);
    });
    this.messages.push({ role: 'assistant', content: fillTemplate(template.answer, values), toolCalls: [] });
  }

  private callAndAnswer(instances: Instance[], answer: string | null): void {
    const calls = instances.map((instance) => ({ id: `call_${this.nextId++}`, ...instance.call }));
    this.messages.push({ role: 'assistant', content: '', toolCalls: calls });
    calls.forEach((call, index) => this.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: (instances[index] as Instance).result }));
    if (answer !== null) this.messages.push({ role: 'assistant', content: answer, toolCalls: [] });
  }

  /** A user's words: values as text, sometimes in another format (digits as words, other date orders). */
  private queryText(template: string, values: Record<string, unknown>): string {
    return fillTemplate(template, values, (value) => (this.varyFormats && this.rng.chance(0.3) ? (varyValueFormat(value, this.language, this.rng) ?? textOf(value)) : textOf(value)));
  }
}

/** A step argument: a lone placeholder keeps the value's type (a number stays a number). */
function resolveArgument(text: string, values: Record<string, unknown>): unknown {
  const lone = /^\{([$\w.*]+)\}$/.exec(text);
  if (lone) {
    const value = lookupValue(values, lone[1] as string);
    if (value !== undefined) return value;
  }
  return fillTemplate(text, values);
}

function fitsEnum(schema: unknown, value: unknown): boolean {
  const options = isJsonObject(schema) ? (schema as JsonObject)['enum'] : undefined;
  return !Array.isArray(options) || options.includes(value);
}

/** `count` samples starting at `start`; a convenience over `Synthesizer.sample`. */
export function generateSamples(tools: readonly ToolDefinition[], phrasings: readonly PhrasingSet[], options: SynthesisOptions, count: number, start = 0): Sample[] {
  const synthesizer = new Synthesizer(tools, phrasings, options);
  const samples: Sample[] = [];
  for (let i = start; i < start + count; i++) {
    const sample = synthesizer.sample(i);
    if (sample) samples.push(sample);
  }
  return samples;
}
