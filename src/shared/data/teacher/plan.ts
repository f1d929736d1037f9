import type { ToolDefinition } from '../../tools/types';
import { isJsonObject } from '../../tools/plainJson';
import { SAMPLE_KINDS, type SampleKind } from '../conversation';
import type { Language } from '../synthesis/phrasing';
import { Rng } from '../synthesis/random';
import { DEFAULT_MIX } from '../synthesis/synthesizer';

/**
 * What the teacher is asked for, per sample index. Like the schema generator, plan `i` depends only
 * on (tools, options, i): a job can stop anywhere and resume at its `done` count with the same plans.
 */
export interface TeacherPlan {
  index: number;
  kind: SampleKind;
  language: Language;
  /** The tools the sample offers, in the order the model sees them. */
  offered: ToolDefinition[];
  /** The tools the teacher must call, in order (empty for `no_call`). */
  targets: ToolDefinition[];
  /** `multi_turn`: how many user turns. Otherwise 1. */
  turns: number;
  /** `missing_argument`: the required argument the user leaves out at first. */
  missingArgument?: string;
  /** `generate_and_save`: the string argument that carries the written text. */
  contentArgument?: string;
  /** Sampling seed for the teacher, derived from the run's seed and the index. */
  seed: number;
  /** A nudge towards variety: the situation the user is in. */
  scenario: number;
}

export interface TeacherPlanOptions {
  seed: number;
  /** Relative weights per kind (default `DEFAULT_MIX`); kinds these tools cannot support are dropped. */
  mix?: Partial<Record<SampleKind, number>>;
  language: Language;
}

/** Tools shown to the teacher per sample: enough for distractors, short enough for a small context. */
const MAX_OFFERED = 8;
/** Scenario nudges; the prompt names one per sample (see `SCENARIOS` in prompt.ts). */
export const SCENARIO_COUNT = 12;
const CONTENT_ARGUMENT = /content|text|body|story|poem|note|essay|article|message|markdown/i;

function requiredOf(tool: ToolDefinition): string[] {
  const required = tool.parameters['required'];
  return Array.isArray(required) ? required.filter((key): key is string => typeof key === 'string') : [];
}

function contentArgumentOf(tool: ToolDefinition): string | undefined {
  const properties = tool.parameters['properties'];
  if (!isJsonObject(properties)) return undefined;
  return Object.entries(properties).find(([key, schema]) => CONTENT_ARGUMENT.test(key) && isJsonObject(schema) && schema['type'] === 'string')?.[0];
}

export class TeacherPlanner {
  /** Kinds these tools support, with their weights. */
  readonly mix: Partial<Record<SampleKind, number>>;

  constructor(
    private readonly tools: readonly ToolDefinition[],
    private readonly options: TeacherPlanOptions,
  ) {
    const wanted = options.mix ?? DEFAULT_MIX;
    this.mix = {};
    for (const kind of SAMPLE_KINDS) if ((wanted[kind] ?? 0) > 0 && this.supports(kind)) this.mix[kind] = wanted[kind];
  }

  /** Plan number `index`; `null` only when no kind is possible at all. */
  plan(index: number): TeacherPlan | null {
    if (Object.keys(this.mix).length === 0) return null;
    const rng = new Rng(this.options.seed, index);
    const kind = rng.weighted(this.mix);
    const all = this.tools;
    const plan: TeacherPlan = {
      index,
      kind,
      language: this.options.language,
      offered: [],
      targets: [],
      turns: 1,
      seed: Math.floor(rng.next() * 0x7fffffff),
      scenario: rng.int(0, SCENARIO_COUNT - 1),
    };
    switch (kind) {
      case 'simple':
      case 'multiple':
      case 'parallel':
        plan.targets = [rng.pick(all)];
        break;
      case 'parallel_multiple':
        plan.targets = rng.sample(all, rng.int(2, Math.min(3, all.length)));
        break;
      case 'multi_turn':
        plan.targets = rng.sample(all, rng.int(1, Math.min(3, all.length)));
        plan.turns = rng.int(2, 3);
        break;
      case 'missing_argument': {
        const target = rng.pick(all.filter((tool) => requiredOf(tool).length > 0));
        plan.targets = [target];
        plan.missingArgument = rng.pick(requiredOf(target));
        break;
      }
      case 'generate_and_save': {
        const target = rng.pick(all.filter((tool) => contentArgumentOf(tool) !== undefined));
        plan.targets = [target];
        plan.contentArgument = contentArgumentOf(target);
        break;
      }
      case 'dependent':
        plan.targets = rng.sample(all, 2);
        break;
      case 'no_call':
        break;
    }
    // `simple` sometimes, `multiple` always, offer tools besides the ones to call; `no_call` offers some to resist.
    const others = all.filter((tool) => !plan.targets.includes(tool));
    const extra = kind === 'no_call' ? rng.int(1, all.length) : kind === 'multiple' ? rng.int(1, others.length) : kind === 'simple' || kind === 'parallel' ? (rng.chance(0.5) ? rng.int(0, others.length) : 0) : others.length;
    plan.offered = rng.shuffle([...plan.targets, ...rng.sample(others, Math.max(0, Math.min(extra, MAX_OFFERED - plan.targets.length)))]);
    return plan;
  }

  private supports(kind: SampleKind): boolean {
    const count = this.tools.length;
    switch (kind) {
      case 'simple':
      case 'parallel':
      case 'multi_turn':
        return count > 0;
      case 'multiple':
      case 'parallel_multiple':
      case 'dependent':
        return count > 1;
      case 'missing_argument':
        return this.tools.some((tool) => requiredOf(tool).length > 0);
      case 'generate_and_save':
        return this.tools.some((tool) => contentArgumentOf(tool) !== undefined);
      case 'no_call':
        return true;
    }
  }
}
