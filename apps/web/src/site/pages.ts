/**
 * The public site's pages: prerendered at build time (apps/web/scripts/prerender.mjs) to static HTML
 * in each language, served without JavaScript at `/<page>` (English) and `/yo/<page>` (Yoruba).
 * Text comes from the PO catalogues (area `public`): `public.<page>.title`, `.intro`, and per section
 * `.<section>.heading`, `.<section>.body` and, for a list, `.<section>.item1…itemN`.
 */
import type { Locale } from '@oslrs/core';

export type SitePage = 'home' | 'about' | 'participate' | 'faq' | 'privacy' | 'terms' | 'contact';

export interface Section {
  id: string;
  /** How many list items follow the body (`.item1` …). */
  items?: number;
  /** A link under the section: its label id and where it goes (a path of the web app). */
  link?: { label: string; to: string };
}

export const CONTENT_PAGES: Record<Exclude<SitePage, 'home'>, Section[]> = {
  about: [{ id: 'what' }, { id: 'who' }, { id: 'once' }, { id: 'free' }],
  participate: [
    { id: 'online', link: { label: 'public.participate.online.link', to: '/register' } },
    { id: 'enumerator' },
    { id: 'paper' },
    { id: 'helpdesk' },
    { id: 'after', link: { label: 'public.doors.resident', to: '/my-registration/sign-in' } },
  ],
  faq: [
    { id: 'cost' },
    { id: 'nin' },
    { id: 'who' },
    { id: 'see' },
    { id: 'correct' },
    { id: 'marketplace' },
    { id: 'withdraw' },
    { id: 'staff' },
  ],
  privacy: [
    { id: 'controller' },
    { id: 'what' },
    { id: 'why' },
    { id: 'basis' },
    { id: 'howLong' },
    { id: 'sharing' },
    { id: 'security' },
    { id: 'rights', items: 5 },
    { id: 'exercise' },
    { id: 'complaint' },
  ],
  terms: [
    { id: 'truth' },
    { id: 'accounts' },
    { id: 'marketplace' },
    { id: 'noGuarantee' },
    { id: 'changes' },
    { id: 'law' },
  ],
  contact: [{ id: 'helpdesk' }, { id: 'office' }, { id: 'lga' }, { id: 'dpo' }],
};

export const SITE_PAGES: SitePage[] = ['home', 'about', 'participate', 'faq', 'privacy', 'terms', 'contact'];

/** Where a page lives in a language: `/about` in English, `/yo/about` in Yoruba; home is `/` and `/yo`. */
export function sitePath(page: SitePage, locale: Locale): string {
  const tail = page === 'home' ? '' : page;
  if (locale === 'en') return `/${tail}`;
  return tail ? `/${locale}/${tail}` : `/${locale}`;
}

/** The page and language a path names (`/yo/faq` → faq in Yoruba), or undefined. */
export function pageAt(path: string): { page: SitePage; locale: Locale } | undefined {
  const m = /^\/(?:(yo)(?:\/|$))?([a-z]*)\/?$/.exec(path);
  if (!m) return undefined;
  const page = (m[2] || 'home') as SitePage;
  return SITE_PAGES.includes(page) ? { page, locale: (m[1] as Locale | undefined) ?? 'en' } : undefined;
}

/** Contact details printed on the pages, from the build's environment (deploy sets the real ones). */
export interface SiteContacts {
  phone: string;
  email: string;
  dpoEmail: string;
}
