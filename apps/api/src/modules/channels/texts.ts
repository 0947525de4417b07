/**
 * The USSD menus' and SMS's words: the server's one formatter (src/i18n/texts.ts), from the same PO
 * catalogues as the web app, as a bare `t(id, values)` per language.
 */
import { textsFor as serverTexts } from '../../i18n/texts.js';

export type Lang = 'en' | 'yo';
export type Texts = (id: string, values?: Record<string, unknown>) => string;

/** `t(id, values)` in one language; an id the catalogue lacks shows as the id (the catalogue test forbids it). */
export function textsFor(lang: Lang): Texts {
  return serverTexts(lang).t;
}
