import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DEFAULT_LOCALE, isLocale, type Locale } from '@oslrs/core';
import { requestLocale } from '../../i18n/texts.js';

/**
 * The public site's prerendered pages (apps/web/dist/site/<locale>/<page>.html, written at build
 * time): `/` and `/<page>` in English, `/yo` and `/yo/<page>` in Yoruba; and robots.txt and
 * sitemap.xml, which need the site's own address. Static HTML, served like the app's other files
 * (precompressed copies picked by Accept-Encoding; revalidated on every visit).
 */
export interface SitePageFile {
  path: string;
  locale: string;
  page: string;
  file: string;
}

/** The pages a build holds, with the path each is served at. */
export function sitePages(dist: string): SitePageFile[] {
  const root = join(dist, 'site');
  if (!existsSync(root)) return [];
  const pages: SitePageFile[] = [];
  for (const locale of readdirSync(root).sort()) {
    for (const name of readdirSync(join(root, locale)).sort()) {
      const m = /^([a-z]+)\.html$/.exec(name);
      if (!m) continue;
      const page = m[1]!;
      const tail = page === 'home' ? '' : page;
      const path = locale === 'en' ? `/${tail}` : tail ? `/${locale}/${tail}` : `/${locale}`;
      pages.push({ path, locale, page, file: `site/${locale}/${name}` });
    }
  }
  return pages;
}

/**
 * Pages of the web app prerendered per language (apps/web/dist/prerendered/<locale>/<page>.html: the
 * app's index.html with the page's first screen inside): `/register`, one path for every language.
 */
export interface PrerenderedAppPage {
  path: string;
  /** Each language's file, under dist/. */
  files: Partial<Record<Locale, string>>;
}

export function prerenderedAppPages(dist: string): PrerenderedAppPage[] {
  const root = join(dist, 'prerendered');
  if (!existsSync(root)) return [];
  const byPath = new Map<string, PrerenderedAppPage>();
  for (const locale of readdirSync(root).sort()) {
    if (!isLocale(locale)) continue;
    for (const name of readdirSync(join(root, locale)).sort()) {
      const m = /^([a-z-]+)\.html$/.exec(name);
      if (!m) continue;
      const path = `/${m[1]}`;
      const page = byPath.get(path) ?? { path, files: {} };
      page.files[locale] = `prerendered/${locale}/${name}`;
      byPath.set(path, page);
    }
  }
  return [...byPath.values()];
}

/**
 * The language a prerendered app page is sent in: the device's choice (the LOCALE_COOKIE cookie, which
 * the web app and /site.js copy from the app's remembered choice), else the browser's first language
 * the registry has, else English — what the app itself will pick (i18n initialLocale), so that its
 * first screen is the one already shown. NGINX picks the same (snippets/oslrs-locale.conf).
 */
export function prerenderedLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  return requestLocale(cookie, acceptLanguage);
}

/** Paths of the app that crawlers may index besides the site's pages. */
const APP_PAGES = ['/register', '/marketplace', '/insights'];

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function robotsTxt(origin: string): string {
  return [
    '# The marketplace’s search and profiles are for people, not crawlers: the API is rate limited per',
    '# address, and following links under /api/ from a crawler blocks the address.',
    'User-agent: *',
    'Disallow: /api/',
    'Disallow: /app',
    'Disallow: /admin',
    'Disallow: /marketplace/profiles/',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n');
}

export function sitemapXml(origin: string, pages: SitePageFile[]): string {
  const byPage = new Map<string, SitePageFile[]>();
  for (const p of pages) byPage.set(p.page, [...(byPage.get(p.page) ?? []), p]);
  const urls: string[] = [];
  for (const p of pages) {
    const alternates = byPage
      .get(p.page)!
      .map((a) => `    <xhtml:link rel="alternate" hreflang="${a.locale}" href="${xml(origin + a.path)}"/>`)
      .join('\n');
    urls.push(`  <url>\n    <loc>${xml(origin + p.path)}</loc>\n${alternates}\n  </url>`);
  }
  for (const path of APP_PAGES) urls.push(`  <url>\n    <loc>${xml(origin + path)}</loc>\n  </url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${urls.join('\n')}
</urlset>
`;
}

/** Registered after @fastify/static (reply.sendFile) on the web app's build. */
export async function siteRoutes(app: FastifyInstance, options: { dist: string; publicUrl: string | undefined }) {
  const pages = sitePages(options.dist);
  const origin = (request: FastifyRequest) => options.publicUrl ?? `${request.protocol}://${request.host}`;
  for (const page of pages) {
    app.get(page.path, (_request, reply) =>
      reply
        .header('cache-control', 'no-cache')
        .header('vary', 'Accept-Encoding')
        .sendFile(page.file, { cacheControl: false }),
    );
  }
  for (const page of prerenderedAppPages(options.dist)) {
    app.get(page.path, (request, reply) => {
      const asked = prerenderedLocale(request.headers.cookie, request.headers['accept-language']);
      const locale = page.files[asked] ? asked : DEFAULT_LOCALE;
      const file = page.files[locale] ?? Object.values(page.files)[0]!;
      return (
        reply
          .header('cache-control', 'no-cache')
          // The body depends on the language cookie and Accept-Language as well as the encoding.
          .header('vary', 'Accept-Encoding, Cookie, Accept-Language')
          .header('content-language', locale)
          .sendFile(file, { cacheControl: false })
      );
    });
  }
  app.get('/robots.txt', (request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('text/plain; charset=utf-8')
      .send(robotsTxt(origin(request))),
  );
  app.get('/sitemap.xml', (request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .type('application/xml; charset=utf-8')
      .send(sitemapXml(origin(request), pages)),
  );
}
