/**
 * The registry's words on the server (USSD menus, SMS), from the same PO catalogues as the web app
 * (packages/core/src/i18n/locales), compiled once at start and formatted by @lingui/core.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupI18n, type I18n } from '@lingui/core';
import { compileCatalog, parseCatalog } from '@oslrs/core/i18n/catalog';

export type Lang = 'en' | 'yo';
export type Texts = (id: string, values?: Record<string, unknown>) => string;

/** The .po files: beside the bundle (dist/locales, copied by tsup), else in the core package's sources. */
function poText(locale: Lang): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, 'locales', `${locale}.po`);
  if (existsSync(bundled)) return readFileSync(bundled, 'utf8');
  const resolved = createRequire(import.meta.url).resolve(`@oslrs/core/i18n/locales/${locale}.po`);
  return readFileSync(resolved, 'utf8');
}

let i18n: I18n | undefined;
function load(): I18n {
  if (i18n) return i18n;
  const english = parseCatalog(poText('en'));
  const yoruba = parseCatalog(poText('yo'));
  const instance = setupI18n({
    locale: 'en',
    messages: { en: compileCatalog(english), yo: compileCatalog(yoruba, english) },
  });
  i18n = instance;
  return instance;
}

/** `t(id, values)` in one language; an id the catalogue lacks shows as the id (the catalogue test forbids it). */
export function textsFor(lang: Lang): Texts {
  const instance = load();
  return (id, values) => {
    instance.activate(lang);
    return instance._(id, values);
  };
}
