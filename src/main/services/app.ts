import type { Database } from 'better-sqlite3';
import type { AppInfo, AppSettings, Contract, Locale } from '../../shared/contract';
import { LOCALES } from '../../shared/contract';
import type { ServiceImpl } from '../../shared/contract/spec';

export class AppService implements ServiceImpl<Contract['app']> {
  constructor(
    private readonly db: Database,
    private readonly infoValue: AppInfo,
  ) {}

  info(): AppInfo {
    return this.infoValue;
  }

  getSettings(): AppSettings {
    const stored = this.db.prepare("SELECT value FROM settings WHERE key = 'locale'").pluck().get() as string | undefined;
    const locale = LOCALES.find((candidate) => candidate === stored) ?? 'en';
    return { locale };
  }

  setLocale({ locale }: { locale: Locale }): AppSettings {
    this.db
      .prepare("INSERT INTO settings (key, value) VALUES ('locale', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(locale);
    return this.getSettings();
  }
}
