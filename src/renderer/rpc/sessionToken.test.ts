import { describe, expect, it } from 'vitest';
import { takeSessionToken } from './sessionToken';

function sources(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored ? [['tooltune.token', stored]] : []);
  const replaced: string[] = [];
  return {
    replaced,
    storage,
    sources: {
      location: { hash, pathname: '/', search: '' },
      storage: { getItem: (key: string) => storage.get(key) ?? null, setItem: (key: string, value: string) => void storage.set(key, value) },
      replaceUrl: (url: string) => void replaced.push(url),
    },
  };
}

describe('takeSessionToken', () => {
  it('takes the token from the fragment, keeps it and hides it from the URL', () => {
    const { sources: s, replaced, storage } = sources('#token=abc');
    expect(takeSessionToken(s)).toBe('abc');
    expect(storage.get('tooltune.token')).toBe('abc');
    expect(replaced).toEqual(['/']);
  });

  it('falls back to the stored token after a reload', () => {
    const { sources: s, replaced } = sources('', 'kept');
    expect(takeSessionToken(s)).toBe('kept');
    expect(replaced).toEqual([]);
  });
});
