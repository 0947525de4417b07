/**
 * The web app's UI language. Text lives in packages/core/src/i18n/locales/<locale>.po (one file per
 * language, English the source); each language is a lazy chunk of precompiled messages formatted by
 * @lingui/core. Components read text with `const { t } = useT(); t('public.footer.service')` (values as a second argument);
 * the choice is remembered on the device (localStorage) and set on <html lang>; for a signed-in person it is
 * kept on the account too (AuthContext's AccountLocale: applied at sign-in, the switch's choice saved).
 */
import { setupI18n, type Messages } from '@lingui/core';
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, LOCALE_NAMES, LOCALE_TAGS, LOCALES, type Locale } from '@oslrs/core';
import { takeLocale } from '../prerendered';

export { LOCALES, LOCALE_NAMES, type Locale } from '@oslrs/core';

const STORAGE_KEY = 'oslrs.lang';

type CatalogModule = Promise<{ default: Record<string, unknown> }>;

/**
 * Each language in lazy parts: `base` (the public app pages and the wizard's first steps — what a
 * resident's phone loads first), `app` (the PWA, clerk, account, marketplace and documents pages and
 * the wizard's questionnaire steps) and `staff` (the staff pages, ~60 % of the words), each loaded with
 * the first route that needs it (`withText` in the router).
 */
const catalogs: Record<Locale, Record<CatalogPart, () => CatalogModule>> = {
  en: {
    base: () => import('../../../../packages/core/src/i18n/locales/en.po'),
    app: () => import('../../../../packages/core/src/i18n/locales/en.po?part=app'),
    staff: () => import('../../../../packages/core/src/i18n/locales/en.po?part=staff'),
  },
  yo: {
    base: () => import('../../../../packages/core/src/i18n/locales/yo.po'),
    app: () => import('../../../../packages/core/src/i18n/locales/yo.po?part=app'),
    staff: () => import('../../../../packages/core/src/i18n/locales/yo.po?part=staff'),
  },
};

export type CatalogPart = 'base' | 'app' | 'staff';

export const i18n = setupI18n();

/**
 * Message ids asked for and not found in the active language (at most 100): a page that prints a raw
 * id because its route did not load the catalogue part that holds it leaves the id here, where the
 * route-walking browser test (tests/e2e/catalogue-parts.e2e.test.ts) reads it.
 */
const missingText: string[] = [];
(globalThis as { oslrsMissingText?: string[] }).oslrsMissingText = missingText;
i18n.on('missing', ({ id, locale }) => {
  const entry = `${locale}:${id}`;
  if (missingText.length < 100 && !missingText.includes(entry)) missingText.push(entry);
});
/** Parts this page uses (a language switch loads them all in the new language). */
const wanted = new Set<CatalogPart>(['base']);
const loaded = new Set<string>();

async function loadPart(locale: Locale, part: CatalogPart): Promise<void> {
  const key = `${locale}:${part}`;
  if (loaded.has(key)) return;
  const { default: messages } = await catalogs[locale][part]();
  // @lingui/core merges a later load into the language's messages.
  i18n.load(locale, messages as Messages);
  loaded.add(key);
}

async function load(locale: Locale): Promise<void> {
  await Promise.all([...wanted].map((part) => loadPart(locale, part)));
}

/** A catalogue part's words, in the active language (and kept through a later switch). */
export async function loadText(part: CatalogPart): Promise<void> {
  wanted.add(part);
  await loadPart(isLocale(i18n.locale) ? i18n.locale : DEFAULT_LOCALE, part);
}

/** A lazy route module that renders only once the catalogue parts it needs are in. */
export function withText<M>(parts: CatalogPart[], importer: () => Promise<M>): () => Promise<M> {
  return () => Promise.all([importer(), ...parts.map(loadText)]).then(([module]) => module);
}

/** A staff page: its own words and the field/account ones it may show (cards, slips, reveals). */
export function withStaffText<M>(importer: () => Promise<M>): () => Promise<M> {
  return withText(['app', 'staff'], importer);
}

/** A PWA, clerk, account, marketplace or documents page, or a later step of the wizard. */
export function withAppText<M>(importer: () => Promise<M>): () => Promise<M> {
  return withText(['app'], importer);
}

/** The language chosen on this device, if any (a visitor's choice; an account's is kept on the account too). */
export function storedLocale(): Locale | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies the device's choice (or its absence) into the LOCALE_COOKIE cookie: the server reads it to send
 * a page prerendered per language (/register) in the language the app will show, so no other language
 * flashes first. A year, renewed at every start.
 */
function mirrorChoice(locale: Locale | undefined): void {
  try {
    const secure = location.protocol === 'https:' ? '; secure' : '';
    document.cookie = locale
      ? `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax${secure}`
      : `${LOCALE_COOKIE}=; path=/; max-age=0; samesite=lax${secure}`;
  } catch {
    // Cookies refused: the prerendered page follows the browser's languages instead.
  }
}

/** The device's remembered choice, else the browser's preference when it is one of ours, else English. */
export function initialLocale(): Locale {
  const stored = storedLocale();
  if (stored) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLocale(base)) return base;
  }
  return DEFAULT_LOCALE;
}

function apply(locale: Locale): void {
  i18n.activate(locale);
  document.documentElement.lang = locale;
}

/** Loads and activates the first language; call (and await) before the first render. */
export async function startI18n(locale: Locale = initialLocale()): Promise<void> {
  mirrorChoice(storedLocale());
  await load(locale);
  apply(locale);
}

/** Text outside React (error messages built in plain functions); components use `useT()`. */
export function t(id: string, values?: Record<string, unknown>): string {
  return i18n._(id, values);
}

interface LocaleState {
  locale: Locale;
  /** Show `locale` and remember it on this device; `chosen` (the switch) also tells the account listener. */
  setLocale(locale: Locale, how?: { chosen?: boolean }): Promise<void>;
}

type ChoiceListener = (locale: Locale) => void;
const choiceListeners = new Set<ChoiceListener>();
let chosenHere: Locale | undefined;

/** The language picked with the switch since this page loaded, if any (it wins over an account's older choice). */
export function chosenOnThisPage(): Locale | undefined {
  return chosenHere;
}

/**
 * Hears each choice a person makes with the switch (the session layer saves it to the signed-in
 * account). Returns the unsubscribe function.
 */
export function onLocaleChosen(listener: ChoiceListener): () => void {
  choiceListeners.add(listener);
  return () => choiceListeners.delete(listener);
}

const LocaleContext = createContext<LocaleState | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setState] = useState<Locale>(() => (isLocale(i18n.locale) ? i18n.locale : DEFAULT_LOCALE));
  const setLocale = useCallback(async (next: Locale, how?: { chosen?: boolean }) => {
    await load(next);
    apply(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
      mirrorChoice(next);
    } catch {
      // Private mode without storage: the choice lasts for this page.
    }
    setState(next);
    if (how?.chosen) {
      chosenHere = next;
      for (const listener of choiceListeners) listener(next);
    }
  }, []);
  // A language picked in a prerendered page's switch before the app took over (src/prerendered.ts):
  // chosen now, as the switch would (setLocale loads the messages first; no render in this effect).
  useLayoutEffect(() => {
    const asked = takeLocale();
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (isLocale(asked) && asked !== i18n.locale) void setLocale(asked, { chosen: true });
  }, [setLocale]);
  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error('useLocale outside <I18nProvider>');
  return state;
}

export interface Translate {
  locale: Locale;
  /** The message `id` in the active language, with ICU `values` ({name}, plurals). */
  t(id: string, values?: Record<string, unknown>): string;
  /** A date (ISO string or Date) in West Africa Time, in the active language; '—' when empty or invalid. */
  date(value: string | Date | null | undefined, options?: Intl.DateTimeFormatOptions): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(tag: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${tag}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(tag, { timeZone: 'Africa/Lagos', ...options })));
  return format;
}

/**
 * A date in `locale`, West Africa Time unless `options.timeZone` says otherwise. English uses the
 * browser's Intl; other languages are put together from the catalogue's month and weekday names
 * (`common.month.1`…, `common.weekday.0`…) and `common.date.*` patterns, because browsers' locale
 * data for Yorùbá is missing (Chromium falls back to "Dec 6, 2026") or differs between browsers.
 */
export function formatDateIn(locale: Locale, when: Date, options: Intl.DateTimeFormatOptions): string {
  // en-GB's patterns are Nigeria's ("27 Nov 2025, 11:05"), and every browser ships them; en-NG not always.
  if (locale === 'en') return cachedFormat('en-GB', options).format(when);
  const style = options.dateStyle !== undefined || options.timeStyle !== undefined;
  const wantDay = style ? options.dateStyle !== undefined : options.day !== undefined;
  const wantMonth = style ? options.dateStyle !== undefined : options.month !== undefined;
  const wantYear = style ? options.dateStyle !== undefined : options.year !== undefined;
  const wantTime = style ? options.timeStyle !== undefined : options.hour !== undefined;
  const wantWeekday = !style && options.weekday !== undefined;
  const parts = cachedFormat('en-GB', {
    timeZone: options.timeZone ?? 'Africa/Lagos',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    weekday: 'short',
  }).formatToParts(when);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const words: string[] = [];
  if (wantWeekday) words.push(i18n._(`common.weekday.${weekdays.indexOf(part('weekday'))}`));
  if (wantDay) words.push(String(Number(part('day'))));
  if (wantMonth) words.push(i18n._(`common.month.${Number(part('month'))}`));
  if (wantYear) words.push(part('year'));
  const day = words.join(' ');
  if (!wantTime) return day;
  const time = `${part('hour')}:${part('minute')}`;
  return day ? i18n._('common.date.dateTime', { date: day, time }) : time;
}

/** Re-renders its component when the language changes. */
export function useT(): Translate {
  const { locale } = useLocale();
  return useMemo<Translate>(() => {
    const tag = LOCALE_TAGS[locale];
    return {
      locale,
      t: (id, values) => i18n._(id, values),
      date(value, options = { day: 'numeric', month: 'short', year: 'numeric' }) {
        if (!value) return '—';
        const when = typeof value === 'string' ? new Date(value) : value;
        if (Number.isNaN(when.getTime())) return '—';
        return formatDateIn(locale, when, options);
      },
      number: (value, options) => new Intl.NumberFormat(tag, options).format(value),
    };
  }, [locale]);
}

/** The language switch: a native <select> (works at 375 px, with a keyboard and a screen reader). */
export function LanguageSwitch({ className }: { className?: string }) {
  const { locale, setLocale } = useLocale();
  const { t } = useT();
  return (
    <label className={className}>
      <span className="sr-only">{t('common.language')}</span>
      <select
        value={locale}
        onChange={(event) => void setLocale(event.target.value as Locale, { chosen: true })}
        className="rounded border border-stone-300 bg-white px-2 py-1 text-sm text-stone-900"
        aria-label={t('common.language')}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
