import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../shared/contract';
import { catalogs } from './catalogs';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('message catalogs', () => {
  const english = catalogs.en;

  it.each(LOCALES)('%s has exactly the English keys and no empty message', (locale) => {
    const catalog = catalogs[locale];
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(english).sort());
    for (const [key, text] of Object.entries(catalog)) expect(text.trim(), key).not.toBe('');
  });

  it.each(LOCALES)('%s uses the same placeholders as English', (locale) => {
    for (const [key, text] of Object.entries(catalogs[locale])) {
      expect(placeholders(text), key).toEqual(placeholders(english[key as keyof typeof english]));
    }
  });
});
