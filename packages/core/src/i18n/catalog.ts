/**
 * The registry's UI text: one PO catalogue per language (`locales/en.po`, `locales/yo.po`), shared by
 * the web app (compiled at build time by the Vite plugin) and the API (the USSD menus, emails, SMS;
 * compiled once at start). PO because it is what translators and their tools read: each entry has an
 * explicit id (`msgid`), its text (`msgstr`, ICU MessageFormat: `{name}`, `{count, plural, …}`) and a
 * context comment (`#.`) saying where it appears and what the placeholders hold.
 *
 * Runtime: @lingui/core (≈3 KB gzipped) formats precompiled messages; no parser ships to the browser.
 */
import { compileMessageOrThrow, type CompiledMessage } from '@lingui/message-utils/compileMessage';
import PO from 'pofile';

export { LOCALES, DEFAULT_LOCALE, LOCALE_NAMES, LOCALE_TAGS, isLocale, type Locale } from './locales.js';

export interface CatalogEntry {
  id: string;
  message: string;
  /** The translator's context (`#.` lines), joined by newlines. */
  comment: string;
}

/** The entries of one PO file, in file order. An empty `msgstr` is kept as '' (missing). */
export function parseCatalog(poText: string): CatalogEntry[] {
  const po = PO.parse(poText);
  return po.items.map((item) => ({
    id: item.msgid,
    message: item.msgstr.join(''),
    comment: item.extractedComments.join('\n'),
  }));
}

export type CompiledCatalog = Record<string, CompiledMessage>;

/**
 * Compiles a catalogue for @lingui/core. `fallback` (the English entries) fills any id this language
 * lacks, so a missing translation shows English, never an id. Throws on an ICU syntax error, naming
 * the id.
 */
export function compileCatalog(entries: CatalogEntry[], fallback: CatalogEntry[] = []): CompiledCatalog {
  const out: CompiledCatalog = {};
  for (const list of [fallback, entries]) {
    for (const { id, message } of list) {
      if (!message) continue;
      try {
        out[id] = compileMessageOrThrow(message);
      } catch (error) {
        throw new Error(`message ${id}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return out;
}

/** The lazy parts the web app loads its catalogue in (apps/web/src/i18n: `withText`). */
export type CatalogPart = 'base' | 'app' | 'staff' | 'site';

/**
 * The part of the web catalogue an id ships in: `staff` (the staff pages' and USSD simulator's
 * words), `app` (the PWA, clerk, account, marketplace, documents and insights pages, the wizard's
 * questionnaire steps, and the taxonomy's names, which the marketplace, insights, reports and
 * registry pages show: every one of them loads `app`), `site` (the prerendered public pages' long
 * text, which no app page shows), else `base` (what the public app pages and the wizard's first
 * steps need). SMS and email texts (`sms.`, `mail.`, `documents.mail.`) are the server's only (`null`).
 */
export function catalogPartOf(id: string): CatalogPart | null {
  if (/^(sms|mail)\./.test(id) || id.startsWith('documents.mail.')) return null;
  if (id.startsWith('staff.') || id.startsWith('ussd.')) return 'staff';
  if (/^(collect|clerk|account|marketplace|documents|taxonomy)\.|^public\.insights\./.test(id)) return 'app';
  if (/^public\.(about|participate|faq|privacy|terms|contact)\./.test(id)) return 'site';
  return 'base';
}
