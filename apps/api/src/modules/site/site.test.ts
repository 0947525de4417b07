import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prerenderedAppPages, prerenderedLocale, siteRoutes, sitePages } from './index.js';

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
  for (const [locale, title] of [
    ['en', 'Register'],
    ['yo', 'Forúkọ ara rẹ sílẹ̀'],
  ]) {
    mkdirSync(join(dist, 'prerendered', locale!), { recursive: true });
    const file = join(dist, 'prerendered', locale!, 'register.html');
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
    globIgnore: ['site/**', 'prerendered/**'],
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

  it('sends /register prerendered in the device’s language: the cookie, else Accept-Language, else English', async () => {
    expect(prerenderedAppPages(dist)).toEqual([
      { path: '/register', files: { en: 'prerendered/en/register.html', yo: 'prerendered/yo/register.html' } },
    ]);
    const get = (headers: Record<string, string>) => app.inject({ url: '/register', headers });
    const english = await get({});
    expect(english.statusCode).toBe(200);
    expect(english.headers['content-type']).toMatch(/^text\/html/);
    expect(english.headers['content-language']).toBe('en');
    expect(english.headers['cache-control']).toBe('no-cache');
    expect(english.body).toContain('<h1>Register</h1>');
    // Caches keep one copy per language and encoding.
    expect(String(english.headers.vary).toLowerCase().split(/,\s*/).sort()).toEqual([
      'accept-encoding',
      'accept-language',
      'cookie',
    ]);

    const chosen = await get({ cookie: 'oslrs_session=abc; oslrs_lang=yo', 'accept-language': 'en-GB,en;q=0.9' });
    expect(chosen.headers['content-language']).toBe('yo');
    expect(chosen.body).toContain('<h1>Forúkọ ara rẹ sílẹ̀</h1>');
    // The device's choice wins over the browser's languages, both ways.
    expect((await get({ cookie: 'oslrs_lang=en', 'accept-language': 'yo' })).body).toContain('<h1>Register</h1>');
    // No choice: the browser's first language the registry has.
    expect((await get({ 'accept-language': 'fr-FR, yo;q=0.8, en;q=0.5' })).headers['content-language']).toBe('yo');
    expect((await get({ 'accept-language': 'en-NG, yo;q=0.8' })).headers['content-language']).toBe('en');
    // A cookie naming no language of ours is no choice.
    expect((await get({ cookie: 'oslrs_lang=fr', 'accept-language': 'yo' })).headers['content-language']).toBe('yo');

    const br = await get({ cookie: 'oslrs_lang=yo', 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    // The files are not served at their own paths.
    expect((await app.inject({ url: '/prerendered/en/register.html' })).statusCode).toBe(404);
  });

  it('reads the language cookie among others, as the app writes it', () => {
    expect(prerenderedLocale('a=1;oslrs_lang=yo;b=2', undefined)).toBe('yo');
    expect(prerenderedLocale('xoslrs_lang=yo', undefined)).toBe('en');
    expect(prerenderedLocale(undefined, 'yo-NG,yo;q=0.9')).toBe('yo');
    expect(prerenderedLocale(undefined, undefined)).toBe('en');
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
