import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCatalog, LOCALES, parseCatalog, type CatalogEntry } from './catalog';

const here = new URL('.', import.meta.url).pathname;
const read = (locale: string): CatalogEntry[] =>
  parseCatalog(readFileSync(join(here, 'locales', `${locale}.po`), 'utf8'));
const repo = join(here, '../../../..');

/** The names of an ICU message's arguments ({name}, {count, plural, …}), sorted. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const match of message.matchAll(/\{\s*([A-Za-z_][\w]*)\s*(?:,|\})/g)) names.add(match[1]!);
  return [...names].sort();
}

/** Every message id the code asks for: t('id'), t("id", …), tr('id') and msg('id') calls. */
function idsUsedIn(dir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(tsx?|mts)$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\b(?:t|tr|msg)\(\s*['"]([a-z][\w-]*(?:\.[\w-]+)+)['"]/g)) {
      used.set(match[1]!, file.slice(repo.length + 1));
    }
  }
  return used;
}

describe('UI text catalogues', () => {
  const english = read('en');
  const ids = new Set(english.map((e) => e.id));

  it('English, the source, has each id once, with its text and a context comment', () => {
    expect(english.length).toBeGreaterThan(0);
    expect(ids.size).toBe(english.length);
    for (const entry of english) {
      expect(entry.message, entry.id).not.toBe('');
      expect(entry.comment, `${entry.id} needs a #. context comment`).not.toBe('');
    }
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale} translates every English id, with the same placeholders, and nothing else`, () => {
      const entries = read(locale);
      const translated = new Map(entries.map((e) => [e.id, e.message]));
      expect(translated.size, 'an id appears twice').toBe(entries.length);
      const missing = english.filter((e) => !translated.get(e.id)).map((e) => e.id);
      expect(missing, `ids with no ${locale} text`).toEqual([]);
      const unknown = entries.filter((e) => !ids.has(e.id)).map((e) => e.id);
      expect(unknown, `ids in ${locale}.po that English does not have`).toEqual([]);
      for (const e of english) {
        expect(argumentsOf(translated.get(e.id)!), `${locale} ${e.id}`).toEqual(argumentsOf(e.message));
      }
    });
  }

  it('every catalogue compiles (ICU syntax)', () => {
    for (const locale of LOCALES) expect(() => compileCatalog(read(locale), english)).not.toThrow();
  });

  it('every id the web app and the API ask for is in the catalogue', () => {
    const used = new Map([...idsUsedIn(join(repo, 'apps/web/src')), ...idsUsedIn(join(repo, 'apps/api/src'))]);
    const unknown = [...used].filter(([id]) => !ids.has(id)).map(([id, file]) => `${id} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('a missing translation falls back to English, and an ICU error names its id', () => {
    const compiled = compileCatalog(
      [{ id: 'a', message: 'A', comment: '' }],
      [
        { id: 'a', message: 'en A', comment: '' },
        { id: 'b', message: 'en B', comment: '' },
      ],
    );
    expect(compiled.a).toEqual(['A']);
    expect(compiled.b).toEqual(['en B']);
    expect(() => compileCatalog([{ id: 'broken', message: '{count, plural, one {x}', comment: '' }])).toThrow(/broken/);
  });
});
