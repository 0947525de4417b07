import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
