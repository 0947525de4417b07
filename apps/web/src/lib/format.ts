import { DEFAULT_LOCALE, isLocale, LOCALE_TAGS, type Locale } from '@oslrs/core';
import { formatDateIn, i18n, t } from '../i18n';

/**
 * Dates and numbers in the active UI language (West Africa Time). Plain functions, so any code can
 * call them; a component that shows them re-renders on a language change when it uses `useT()`.
 * The parts are named rather than `dateStyle`, whose Yorùbá pattern is all digits ("27 11 2025").
 */
const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const DATE_TIME: Intl.DateTimeFormatOptions = { ...DATE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

const formats = new Map<string, Intl.NumberFormat>();

function activeLocale(): Locale {
  return isLocale(i18n.locale) ? i18n.locale : DEFAULT_LOCALE;
}

function numberFormat(): Intl.NumberFormat {
  const tag = LOCALE_TAGS[activeLocale()];
  const key = `n|${tag}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.NumberFormat(tag)));
  return format;
}

function formatWith(iso: string | null | undefined, options: Intl.DateTimeFormatOptions): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : formatDateIn(activeLocale(), date, options);
}

/** "27 Nov 2025" (Yorùbá: "27 Oṣù Bélú 2025") in West Africa Time; '—' when empty or invalid. */
export function formatDate(iso: string | null | undefined): string {
  return formatWith(iso, DATE);
}

/** "27 Nov 2025, 11:05" in West Africa Time. */
export function formatDateTime(iso: string | null | undefined): string {
  return formatWith(iso, DATE_TIME);
}

/** The short weekday of a calendar day "2025-11-24": "Mon" (Yorùbá "Ajé"). */
export function formatWeekday(day: string): string {
  return formatDateIn(activeLocale(), new Date(`${day}T12:00:00Z`), { weekday: 'short', timeZone: 'UTC' });
}

/** A number with the active language's separators. */
export function formatNumber(n: number): string {
  return numberFormat().format(n);
}

/**
 * "3 enumerators": `id` names an ICU plural message taking {count} (e.g. `common.items`). The old
 * English-only form `plural(count, one, many)` is kept for pages not yet translated.
 */
export function plural(count: number, one: string, many?: string): string {
  if (many === undefined) return t(one, { count });
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}

/**
 * A list's total: "10,234" when counted, "about 10,000" (two significant figures) when the server
 * estimated it (`exact` false: a large set, see the API's `totalExact`).
 */
export function formatTotal(total: number, exact: boolean): string {
  if (exact) return formatNumber(total);
  const rounded =
    total < 100
      ? total
      : Math.round(total / 10 ** (Math.floor(Math.log10(total)) - 1)) * 10 ** (Math.floor(Math.log10(total)) - 1);
  return t('common.about', { count: formatNumber(rounded) });
}
