export { formatBytes, formatDuration } from '../../../shared/units';

/** Compact numbers for the Train step: 494.0M parameters, 152k tokens. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function formatLoss(loss: number | null): string {
  return loss === null ? '—' : loss.toFixed(3);
}
