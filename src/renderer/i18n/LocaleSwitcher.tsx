import { LOCALES } from '../../shared/contract';
import type { Locale } from '../../shared/contract';
import { LOCALE_NAMES } from './catalogs';
import { useI18n } from './I18nProvider';

export function LocaleSwitcher() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="field-inline">
      <span>{t('header.language')}</span>
      <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
        {LOCALES.map((option) => (
          <option key={option} value={option} lang={option}>
            {LOCALE_NAMES[option]}
          </option>
        ))}
      </select>
    </label>
  );
}
