/**
 * The documents' words in the reader's language, from the one PO catalogue per language in
 * `@oslrs/core` (area `documents`), compiled once on first use and formatted with @lingui/core.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setupI18n, type I18n, type Messages } from '@lingui/core';
import { compileCatalog, parseCatalog } from '@oslrs/core/i18n/catalog';
import { DEFAULT_LOCALE, LOCALES, LOCALE_TAGS, isLocale, type Locale } from '@oslrs/core';

let catalogues: Map<Locale, I18n> | undefined;

/** One formatter per language, each with its catalogue (English filling any gap). */
function catalogue(locale: Locale): I18n {
  if (!catalogues) {
    const require = createRequire(import.meta.url);
    const read = (l: Locale) => parseCatalog(readFileSync(require.resolve(`@oslrs/core/i18n/locales/${l}.po`), 'utf8'));
    const english = read('en');
    catalogues = new Map(
      LOCALES.map((l) => {
        const messages = compileCatalog(l === 'en' ? english : read(l), english) as Messages;
        return [l, setupI18n({ locale: l, messages: { [l]: messages } })];
      }),
    );
  }
  return catalogues.get(locale) ?? catalogues.get(DEFAULT_LOCALE)!;
}

/** The language asked for (`?lang=yo`), else the browser's first preference we have, else English. */
export function localeOf(lang: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(lang)) return lang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    if (isLocale(tag)) return tag;
  }
  return DEFAULT_LOCALE;
}

export interface Texts {
  locale: Locale;
  t: (id: string, values?: Record<string, unknown>) => string;
  /** A date (YYYY-MM-DD or an instant) as the reader writes it: `12 March 2026`. */
  date: (value: string | Date) => string;
}

export function textsFor(locale: Locale): Texts {
  const cat = catalogue(locale);
  const format = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'long', timeZone: 'Africa/Lagos' });
  return {
    locale,
    t: (id, values) => cat._(id, values),
    date: (value) => format.format(typeof value === 'string' ? new Date(`${value}T12:00:00+01:00`) : value),
  };
}
