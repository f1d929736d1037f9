import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './units';

describe('units', () => {
  it('formats sizes and durations', () => {
    expect(formatBytes(2_736 * 2 ** 20)).toBe('2.67 GiB');
    expect(formatBytes(812 * 2 ** 20)).toBe('812 MiB');
    expect(formatBytes(10)).toBe('10 B');
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatDuration(5.4)).toBe('5 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(7300)).toBe('2 h 1 min');
  });
});
