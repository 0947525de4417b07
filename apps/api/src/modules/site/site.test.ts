import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteRoutes, sitePages } from './index.js';

/** A build as apps/web/scripts/prerender.mjs leaves it: site/<locale>/<page>.html, each with .br and .gz. */
let dist: string;
let app: FastifyInstance;
const PAGE = (title: string) => `<!doctype html><html><body><h1>${title}</h1>${' text'.repeat(400)}</body></html>`;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'oslrs-site-'));
  writeFileSync(join(dist, 'index.html'), '<div id="root"></div>');
  for (const [locale, page, title] of [
    ['en', 'home', 'Home'],
    ['en', 'privacy', 'Privacy notice'],
    ['yo', 'home', 'Ilé'],
    ['yo', 'privacy', 'Ìkéde àṣírí'],
  ]) {
    mkdirSync(join(dist, 'site', locale!), { recursive: true });
    const file = join(dist, 'site', locale!, `${page}.html`);
    writeFileSync(file, PAGE(title!));
    writeFileSync(`${file}.br`, brotliCompressSync(PAGE(title!)));
    writeFileSync(`${file}.gz`, gzipSync(PAGE(title!)));
  }
  app = Fastify();
  await app.register(fastifyStatic, {
    root: dist,
    wildcard: false,
    index: false,
    preCompressed: true,
    globIgnore: ['site/**'],
  });
  await app.register(siteRoutes, { dist, publicUrl: undefined });
});
afterAll(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the prerendered site', () => {
  it('finds each page of the build and the path it is served at', () => {
    expect(sitePages(dist).map((p) => [p.path, p.file])).toEqual([
      ['/', 'site/en/home.html'],
      ['/privacy', 'site/en/privacy.html'],
      ['/yo', 'site/yo/home.html'],
      ['/yo/privacy', 'site/yo/privacy.html'],
    ]);
  });

  it('serves each page as HTML, the brotli copy to a browser that takes it, revalidated on every visit', async () => {
    const br = await app.inject({ url: '/yo/privacy', headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-type']).toMatch(/^text\/html/);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('no-cache');
    const plain = await app.inject({ url: '/yo/privacy' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('<h1>Ìkéde àṣírí</h1>');
    expect((await app.inject({ url: '/' })).body).toContain('<h1>Home</h1>');
    expect((await app.inject({ url: '/about' })).statusCode).toBe(404);
  });

  it('writes robots.txt and the sitemap with the address asked for, each page with its other languages', async () => {
    const robots = await app.inject({ url: '/robots.txt', headers: { host: 'registry.example.ng' } });
    expect(robots.headers['content-type']).toMatch(/^text\/plain/);
    expect(robots.body).toMatch(/^Disallow: \/api\/$/m);
    expect(robots.body).toMatch(/^Sitemap: http:\/\/registry\.example\.ng\/sitemap\.xml$/m);
    const sitemap = await app.inject({ url: '/sitemap.xml', headers: { host: 'registry.example.ng' } });
    expect(sitemap.headers['content-type']).toMatch(/^application\/xml/);
    expect(sitemap.body).toContain('<loc>http://registry.example.ng/yo/privacy</loc>');
    expect(sitemap.body).toContain('hreflang="en" href="http://registry.example.ng/privacy"');
    expect(sitemap.body).toContain('<loc>http://registry.example.ng/register</loc>');
  });
});
