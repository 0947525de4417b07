/** The registry's UI languages (see catalog.ts for the catalogues). Plain data: safe for any bundle. */
export const LOCALES = ['en', 'yo'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language's own name, shown in the switch whatever language is active. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', yo: 'Yorùbá' };

/** The BCP 47 tag for `Intl` date and number formats (Nigerian conventions). */
export const LOCALE_TAGS: Record<Locale, string> = { en: 'en-NG', yo: 'yo-NG' };

/**
 * The cookie that mirrors the language chosen on a device (the web app keeps the choice in localStorage
 * 'oslrs.lang'; the app and the public site's /site.js copy it here) so that the server, which cannot read
 * localStorage, sends a page that is prerendered per language (/register) in that language.
 */
export const LOCALE_COOKIE = 'oslrs_lang';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
