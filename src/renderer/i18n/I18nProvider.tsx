import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Locale } from '../../shared/contract';
import { useSetLocale, useSettings } from '../features/settings/queries';
import type { MessageKey } from './catalogs';
import { catalogs } from './catalogs';
import type { MessageParams } from './interpolate';
import { interpolate } from './interpolate';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

interface I18n {
  locale: Locale;
  t: Translate;
  setLocale(locale: Locale): void;
}

const I18nContext = createContext<I18n | null>(null);

/** The locale lives in main's settings; a new choice shows at once and is saved in the background. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const settings = useSettings();
  const saveLocale = useSetLocale();
  const [chosen, setChosen] = useState<Locale | null>(null);
  const locale = chosen ?? settings.data?.locale ?? 'en';

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const { mutate } = saveLocale;
  const setLocale = useCallback(
    (next: Locale) => {
      setChosen(next);
      mutate(next);
    },
    [mutate],
  );

  const value = useMemo<I18n>(() => {
    const messages = catalogs[locale];
    return { locale, setLocale, t: (key, params) => interpolate(messages[key], params) };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('I18nProvider is missing above this component.');
  return value;
}

export function useT(): Translate {
  return useI18n().t;
}
