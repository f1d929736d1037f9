import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate';

describe('interpolate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{count} tools in {name}', { count: 3, name: 'Demo' })).toBe('3 tools in Demo');
    expect(interpolate('Hello {who}')).toBe('Hello {who}');
  });
});
