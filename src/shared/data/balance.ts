import { isJsonObject } from '../tools/plainJson';
import type { Sample } from './conversation';

/**
 * Balance of a dataset: counts per kind, per called tool and per argument value, with warnings a
 * reviewer should act on (one value dominating an argument, a tool never called, too few or too
 * many no-call samples). Fed one sample at a time, so it runs over a database cursor.
 */

export interface ValueCount {
  value: string;
  count: number;
}

export interface ArgumentBalance {
  tool: string;
  argument: string;
  /** Calls that passed this argument with a short scalar value. */
  total: number;
  distinct: number;
  /** Most frequent values first, at most `TOP_VALUES`. */
  top: ValueCount[];
}

export type BalanceWarningKind = 'dominant_value' | 'tool_never_called' | 'no_call_share';

export interface BalanceWarning {
  kind: BalanceWarningKind;
  message: string;
  tool?: string;
  argument?: string;
  share?: number;
}

export interface BalanceReport {
  samples: number;
  perKind: Record<string, number>;
  /** Calls per tool name. */
  perTool: Record<string, number>;
  perArgument: ArgumentBalance[];
  warnings: BalanceWarning[];
}

export interface BalanceOptions {
  /** A value above this share of an argument's uses is flagged (default 0.3), adjusted for small enums. */
  dominance?: number;
  /** Arguments used fewer times than this are not judged (default 20). */
  minCount?: number;
  /** Tools the project has; those never called are flagged. */
  projectTools?: readonly string[];
  /** Acceptable share of no-call samples (default 5%–30%). */
  noCallRange?: [number, number];
}

const TOP_VALUES = 10;
const MAX_VALUE_LENGTH = 80;

export class BalanceCounter {
  private samples = 0;
  private readonly perKind = new Map<string, number>();
  private readonly perTool = new Map<string, number>();
  private readonly values = new Map<string, { tool: string; argument: string; counts: Map<string, number>; total: number; enumSize?: number }>();

  add(sample: Sample): void {
    this.samples++;
    increment(this.perKind, sample.kind ?? 'unknown');
    for (const message of sample.messages) {
      if (message.role !== 'assistant') continue;
      for (const call of message.toolCalls) {
        increment(this.perTool, call.name);
        for (const [argument, value] of Object.entries(call.arguments)) {
          if (!isCountable(value)) continue;
          const key = `${call.name}\u0000${argument}`;
          let entry = this.values.get(key);
          if (!entry) {
            entry = { tool: call.name, argument, counts: new Map(), total: 0 };
            const enumSize = enumSizeOf(sample, call.name, argument);
            if (enumSize !== undefined) entry.enumSize = enumSize;
            this.values.set(key, entry);
          }
          entry.total++;
          increment(entry.counts, typeof value === 'string' ? value.trim().toLowerCase() : String(value));
        }
      }
    }
  }

  report(options: BalanceOptions = {}): BalanceReport {
    const dominance = options.dominance ?? 0.3;
    const minCount = options.minCount ?? 20;
    const [minNoCall, maxNoCall] = options.noCallRange ?? [0.05, 0.3];
    const warnings: BalanceWarning[] = [];
    const perArgument: ArgumentBalance[] = [];
    for (const entry of this.values.values()) {
      const sorted = [...entry.counts].sort((a, b) => b[1] - a[1]);
      perArgument.push({ tool: entry.tool, argument: entry.argument, total: entry.total, distinct: sorted.length, top: sorted.slice(0, TOP_VALUES).map(([value, count]) => ({ value, count })) });
      const [value, count] = sorted[0] ?? ['', 0];
      const share = count / entry.total;
      // An enum of k values is balanced at 1/k each; flag only clearly above that (k = 2: above 75%).
      const limit = entry.enumSize ? Math.max(dominance, 1.5 / entry.enumSize) : dominance;
      if (entry.total >= minCount && share > limit) {
        warnings.push({
          kind: 'dominant_value',
          tool: entry.tool,
          argument: entry.argument,
          share,
          message: `${entry.tool}.${entry.argument} is "${value}" in ${Math.round(share * 100)}% of ${entry.total} calls`,
        });
      }
    }
    for (const tool of options.projectTools ?? []) {
      if (!this.perTool.has(tool)) warnings.push({ kind: 'tool_never_called', tool, message: `no sample calls ${tool}` });
    }
    const noCallShare = (this.perKind.get('no_call') ?? 0) / Math.max(1, this.samples);
    if (this.samples >= minCount && (noCallShare < minNoCall || noCallShare > maxNoCall)) {
      warnings.push({
        kind: 'no_call_share',
        share: noCallShare,
        message: `${Math.round(noCallShare * 100)}% of samples are no-call; ${Math.round(minNoCall * 100)}–${Math.round(maxNoCall * 100)}% teaches when not to call`,
      });
    }
    return { samples: this.samples, perKind: Object.fromEntries(this.perKind), perTool: Object.fromEntries(this.perTool), perArgument, warnings };
  }
}

export function balanceReport(samples: Iterable<Sample>, options: BalanceOptions = {}): BalanceReport {
  const counter = new BalanceCounter();
  for (const sample of samples) counter.add(sample);
  return counter.report(options);
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Short scalars only: a story's text is not a "value" whose balance means anything. */
function isCountable(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= MAX_VALUE_LENGTH);
}

function enumSizeOf(sample: Sample, toolName: string, argument: string): number | undefined {
  const properties = sample.tools.find((tool) => tool.name === toolName)?.parameters['properties'];
  const schema = isJsonObject(properties) ? properties[argument] : undefined;
  const options = isJsonObject(schema) ? schema['enum'] : undefined;
  return Array.isArray(options) ? options.length : undefined;
}
