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

export default i18next;
