/**
 * UI strings for both sides: i18next resources for the renderer, and `translate` for the native
 * menus and dialogs of the Electron shell (which need no i18next instance of their own).
 */
import type { Locale } from '../types';
import { en, type MessageKey } from './en';
import { zhCN } from './zhCN';

export type { MessageKey };

export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

export const messages: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** i18next `resources` with everything in the default namespace. */
export const i18nResources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
};

/** Picks the UI locale from the system's preferred languages (any Chinese variant -> zh-CN). */
export function detectLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/**
 * A string for the shell, with `$t(key)` replaced by that key's string (as i18next nests:
 * `$t(fileKind.{{kind}})` names a kind of file in the UI's language) and {{name}} placeholders filled in.
 */
export function translate(locale: Locale, key: MessageKey | string, values: Record<string, string | number> = {}): string {
  const table = messages[locale] as Record<string, string>;
  const template = table[key] ?? (en as Record<string, string>)[key] ?? key;
  const fill = (text: string): string => text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
  // Nested keys first, so that a value is never read as a key.
  return fill(template.replace(/\$t\(([^()]*)\)/g, (_, nested: string) => translate(locale, fill(nested))));
}
