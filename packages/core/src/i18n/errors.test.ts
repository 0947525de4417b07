import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../errors';
import { LOCALES, parseCatalog } from './catalog';

const here = new URL('.', import.meta.url).pathname;

/**
 * The web shows its own words for every error the API may answer with (`common.error.<CODE>`, see
 * apps/web/src/api/client.ts), so each code of the one error catalogue needs an entry in every language.
 */
describe('error codes in the UI catalogues', () => {
  for (const locale of LOCALES) {
    it(`${locale} has words for every API error code`, () => {
      const entries = parseCatalog(readFileSync(join(here, 'locales', `${locale}.po`), 'utf8'));
      const ids = new Set(entries.filter((e) => e.message).map((e) => e.id));
      const missing = Object.keys(ERRORS).filter((code) => !ids.has(`common.error.${code}`));
      expect(missing).toEqual([]);
    });
  }

  it('has words for no code the API does not answer with', () => {
    // An upper-case `common.error.<CODE>` entry is a code of ERRORS, or one of the three the client
    // names itself when no API answer arrived (apps/web/src/api/client.ts): a retired code's words go too.
    const own = new Set(['NETWORK_ERROR', 'SERVER_ERROR', 'HTTP_ERROR']);
    for (const locale of LOCALES) {
      const entries = parseCatalog(readFileSync(join(here, 'locales', `${locale}.po`), 'utf8'));
      const codes = entries
        .map((e) => /^common\.error\.([A-Z][A-Z0-9_]*)$/.exec(e.id)?.[1])
        .filter((c): c is string => !!c);
      expect(codes.length).toBeGreaterThanOrEqual(Object.keys(ERRORS).length);
      expect(codes.filter((c) => !Object.hasOwn(ERRORS, c) && !own.has(c))).toEqual([]);
    }
  });

  it('the English words are the API’s own default message', () => {
    const english = new Map(
      parseCatalog(readFileSync(join(here, 'locales', 'en.po'), 'utf8')).map((e) => [e.id, e.message]),
    );
    for (const [code, { message }] of Object.entries(ERRORS)) {
      expect(english.get(`common.error.${code}`), code).toBe(message.replace(/'/g, '’'));
    }
  });
});
