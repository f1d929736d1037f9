import type { Metrics } from '../../../shared/eval/metrics';
import type { MessageKey } from '../../i18n/catalogs';

/** The figures the score table can show, in the order of the metric keys. */
export const METRIC_KEYS = ['exactCall', 'functionName', 'arguments', 'requiredFilled', 'schemaValid', 'noCallPrecision', 'noCallRecall', 'latencyMs'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export const METRIC_LABELS: Record<MetricKey, MessageKey> = {
  exactCall: 'evaluate.metric.exactCall',
  functionName: 'evaluate.metric.functionName',
  arguments: 'evaluate.metric.arguments',
  requiredFilled: 'evaluate.metric.requiredFilled',
  schemaValid: 'evaluate.metric.schemaValid',
  noCallPrecision: 'evaluate.metric.noCallPrecision',
  noCallRecall: 'evaluate.metric.noCallRecall',
  latencyMs: 'evaluate.metric.latencyMs',
};

/** A figure as a number to compare (latency: the median), null where there is nothing to count. */
export function metricValue(metrics: Metrics | undefined, key: MetricKey): number | null {
  if (!metrics) return null;
  return key === 'latencyMs' ? (metrics.latencyMs?.median ?? null) : metrics[key];
}

export function formatMetric(value: number | null, key: MetricKey): string {
  if (value === null) return '–';
  return key === 'latencyMs' ? `${Math.round(value)} ms` : `${(value * 100).toFixed(1)}%`;
}

/** Tuned minus base, signed; for latency lower is better, so the sign of "better" flips. */
export function formatDelta(base: number | null, tuned: number | null, key: MetricKey): { text: string; better: boolean | null } {
  if (base === null || tuned === null) return { text: '', better: null };
  const delta = tuned - base;
  if (delta === 0) return { text: '±0', better: null };
  const text = key === 'latencyMs' ? `${delta > 0 ? '+' : ''}${Math.round(delta)} ms` : `${delta > 0 ? '+' : ''}${(delta * 100).toFixed(1)}`;
  return { text, better: key === 'latencyMs' ? delta < 0 : delta > 0 };
}
