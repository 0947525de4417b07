import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogPartOf, compileCatalog, LOCALES, parseCatalog, type CatalogEntry } from './catalog';
import { EXPERIENCE_BANDS } from '../dto/marketplace';
import { CHANNELS } from '../dto/submissions';
import {
  AGE_BAND_LABELS,
  breakdownTextId,
  EMPLOYMENT_TYPE_LABELS,
  GENDER_LABELS,
  sectorTextId,
  skillTextId,
  STATUS_LABELS,
} from '../reports/dimensions';
import { OTHER_SECTOR, SECTORS, SKILLS } from '../reports/taxonomy';

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

  describe('the taxonomy and the report breakdowns, by code, in every language', () => {
    const catalogues = new Map(LOCALES.map((l) => [l, new Map(read(l).map((e) => [e.id, e.message]))]));
    const english = catalogues.get('en')!;
    // Each name's id, with the English the server uses (the catalogue's English must be the same words).
    const names: [string, string][] = [
      ...SECTORS.map((s): [string, string] => [sectorTextId(s.code), s.name]),
      [sectorTextId('other'), OTHER_SECTOR.name],
      ...SKILLS.map((s): [string, string] => [skillTextId(s.slug), s.label]),
      [skillTextId('other'), 'Other (not in the taxonomy)'],
      ...Object.entries(GENDER_LABELS).map(([k, v]): [string, string] => [breakdownTextId('gender', k)!, v]),
      ...Object.entries(AGE_BAND_LABELS).map(([k, v]): [string, string] => [breakdownTextId('age_band', k)!, v]),
      ...Object.entries(EMPLOYMENT_TYPE_LABELS).map(([k, v]): [string, string] => [
        breakdownTextId('employment_type', k)!,
        v,
      ]),
      ...EXPERIENCE_BANDS.map((b): [string, string] => [`taxonomy.experience.${b.key}`, b.label]),
      [breakdownTextId('lga', 'unknown')!, 'LGA not recorded'],
    ];

    it('every sector code and skill slug (and every gender, age band, type of work, experience band) has its English name', () => {
      expect(SECTORS).toHaveLength(20);
      expect(SKILLS).toHaveLength(150);
      const wrong = names.filter(([id, name]) => english.get(id) !== name).map(([id]) => id);
      expect(wrong).toEqual([]);
      // The report rows' channels and statuses too (their words are the staff dashboard's).
      for (const c of CHANNELS) expect(english.get(breakdownTextId('channel', c)!), c).toBeTruthy();
      for (const s of Object.keys(STATUS_LABELS)) expect(english.get(breakdownTextId('status', s)!), s).toBeTruthy();
    });

    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      it(`${locale} names every one of them in ${locale}: not empty, not the English left as it is`, () => {
        const own = catalogues.get(locale)!;
        const missing = names.filter(([id]) => !own.get(id)).map(([id]) => id);
        expect(missing).toEqual([]);
        // A few names read the same in both languages (an abbreviation); none of the sectors or skills does.
        const untranslated = names
          .filter(([id]) => /^taxonomy\.(sector|skill)\./.test(id) && own.get(id) === english.get(id))
          .map(([id]) => id);
        expect(untranslated).toEqual([]);
      });
    }

    it('the names ship in the `app` part of the web catalogue, which every page showing them loads', () => {
      const parts = new Set(names.map(([id]) => catalogPartOf(id)));
      expect([...parts]).toEqual(['app']);
      expect(catalogPartOf('staff.reports.channel.ussd')).toBe('staff');
      expect(catalogPartOf('sms.registered')).toBeNull();
      // The emails are the server's: neither the web's parts nor an id merely starting like them.
      expect(catalogPartOf('mail.reset.subject')).toBeNull();
      expect(catalogPartOf('documents.mail.subject')).toBeNull();
      expect(catalogPartOf('marketplace.verify.title')).toBe('app');
    });

    it('Yorùbá names are in NFC with their marks (no plain-ASCII stand-ins for ẹ, ọ, ṣ)', () => {
      const yo = catalogues.get('yo');
      if (!yo) return;
      const ids = names.map(([id]) => id);
      for (const id of ids) expect(yo.get(id), id).toBe(yo.get(id)!.normalize('NFC'));
      // A Yorùbá catalogue with no under-dotted letter in its sector names would be a transliteration.
      const dotted = SECTORS.filter((s) => /[ẹọṣẸỌṢ]/.test(yo.get(sectorTextId(s.code))!)).length;
      expect(dotted).toBeGreaterThan(SECTORS.length / 2);
    });
  });
});
