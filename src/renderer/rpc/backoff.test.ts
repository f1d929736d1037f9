import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  it('doubles from half a second up to ten seconds', () => {
    expect([0, 1, 2, 10].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 10_000]);
  });
});
