import type { Locale } from '../../shared/contract';
import { en } from './messages.en';
import { zhCN } from './messages.zh-CN';

export type MessageKey = keyof typeof en;
/** Every catalog must have exactly the English keys: a missing or extra key fails the typecheck. */
export type Messages = Record<MessageKey, string>;

export const catalogs: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

/** Each language names itself, so the switcher is readable whatever the current locale. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '中文' };
