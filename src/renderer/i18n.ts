/** The renderer's i18next instance, over the shared string tables. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { ReasonedError } from '../shared/errors';
import { detectLocale, i18nResources } from '../shared/i18n';
import type { Locale } from '../shared/types';

/** The locale the system asks for (navigator.languages). */
export const systemLocale = (): Locale => detectLocale(navigator.languages ?? [navigator.language]);

void i18next.use(initReactI18next).init({
  resources: i18nResources,
  lng: systemLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** The message for an error in the UI's language: its translatable reason when it has one. */
export function describeError(error: unknown): string {
  const reason = (error as ReasonedError | null)?.reason;
  if (reason && i18next.exists(reason.key)) return i18next.t(reason.key, reason.params);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether an error is a refusal the user can act on (a path that is a folder, a corpus busy or
 * read-only, a file in the way, a save made on an older version) rather than a failure Loupe did
 * not expect: the API says so with a translatable reason or an error code other than 'internal'.
 */
export function isUserError(error: unknown): boolean {
  const { reason, code } = (error ?? {}) as ReasonedError;
  return reason !== undefined || (code !== undefined && code !== 'internal');
}

export default i18next;
