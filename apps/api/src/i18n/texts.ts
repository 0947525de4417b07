/**
 * The registry's words on the server — emails, documents, USSD menus, SMS — in the reader's language,
 * from the one PO catalogue per language in `@oslrs/core` (packages/core/src/i18n/locales), compiled
 * once on first use and formatted with @lingui/core. Every module formats through here: one formatter,
 * one catalogue (the web app compiles the same files at build time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupI18n, type I18n, type Messages } from '@lingui/core';
import { compileCatalog, parseCatalog } from '@oslrs/core/i18n/catalog';
import { DEFAULT_LOCALE, LOCALES, LOCALE_COOKIE, LOCALE_TAGS, isLocale, type Locale } from '@oslrs/core';

/** The .po files: beside the bundle (dist/locales, copied by tsup), else in the core package's sources. */
function poText(locale: Locale): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'locales', `${locale}.po`);
  if (existsSync(bundled)) return readFileSync(bundled, 'utf8');
  return readFileSync(createRequire(import.meta.url).resolve(`@oslrs/core/i18n/locales/${locale}.po`), 'utf8');
}

let catalogues: Map<Locale, I18n> | undefined;

/** One formatter per language, each with its catalogue (English filling any gap). */
function catalogue(locale: Locale): I18n {
  if (!catalogues) {
    const english = parseCatalog(poText('en'));
    catalogues = new Map(
      LOCALES.map((l) => {
        const messages = compileCatalog(l === 'en' ? english : parseCatalog(poText(l)), english) as Messages;
        return [l, setupI18n({ locale: l, messages: { [l]: messages } })];
      }),
    );
  }
  return catalogues.get(locale) ?? catalogues.get(DEFAULT_LOCALE)!;
}

/** The language asked for (`?lang=yo`, the language cookie), else the browser's first preference we have, else English. */
export function localeOf(lang: string | undefined, acceptLanguage: string | undefined): Locale {
  return askedLocale(lang, acceptLanguage) ?? DEFAULT_LOCALE;
}

/** As localeOf, but undefined when neither names a language the registry has (no choice was expressed). */
function askedLocale(lang: string | undefined, acceptLanguage: string | undefined): Locale | undefined {
  if (isLocale(lang)) return lang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    if (isLocale(tag)) return tag;
  }
  return undefined;
}

const LOCALE_COOKIE_VALUE = new RegExp(`(?:^|;)\\s*${LOCALE_COOKIE}=([^;]*)`);

/**
 * The language a request is in: the device's choice (the `oslrs_lang` cookie, which the web app keeps
 * from its language switch), else the browser's first language the registry has, else English — what
 * the web app itself shows. `cookie` is the raw Cookie header.
 */
export function requestLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  return requestedLocale(cookie, acceptLanguage) ?? DEFAULT_LOCALE;
}

/**
 * The language a request asks for (cookie, else Accept-Language), or undefined when it names none the
 * registry has: what a new account may keep as its own (a request with no preference stores none).
 */
export function requestedLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale | undefined {
  return askedLocale(LOCALE_COOKIE_VALUE.exec(cookie ?? '')?.[1]?.trim(), acceptLanguage);
}

/**
 * The language the device chose (the `oslrs_lang` cookie, which the web keeps from its language
 * switch), or undefined: what a new account keeps as its own. The browser's Accept-Language alone is
 * not a choice (a resident who signs up on an English-set phone and then picks Yorùbá on their device
 * must not find their account pinned to English).
 */
export function chosenLocale(cookie: string | undefined): Locale | undefined {
  const value = LOCALE_COOKIE_VALUE.exec(cookie ?? '')?.[1]?.trim();
  return isLocale(value) ? value : undefined;
}

/** An account's stored language if it has one, else `fallback` (the request's), else English. */
export function readerLocale(stored: string | null | undefined, fallback?: Locale | null): Locale {
  if (isLocale(stored)) return stored;
  return fallback ?? DEFAULT_LOCALE;
}

/** A public site page in a language, as the web's sitePath: `/contact`, `/yo/contact`. */
export function sitePageUrl(publicUrl: string, locale: Locale, page: 'contact' | 'faq' | 'privacy'): string {
  return `${publicUrl}${locale === DEFAULT_LOCALE ? '' : `/${locale}`}/${page}`;
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
