/** Delay before reconnect attempt `attempt` (0-based): doubling from 500 ms, capped at 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
}
