import { method, schema } from './spec';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

export interface AppInfo {
  version: string;
  /** Which front door serves this renderer. */
  mode: 'electron' | 'serve' | 'cli';
  dataDir: string;
  platform: string;
}

export interface AppSettings {
  locale: Locale;
}

export const appContract = {
  info: method<Record<string, never>, AppInfo>(schema.empty()),
  getSettings: method<Record<string, never>, AppSettings>(schema.empty()),
  setLocale: method<{ locale: Locale }, AppSettings>(schema.object({ locale: { enum: [...LOCALES] } })),
};
