import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCatalog, parseCatalog } from '../../../../packages/core/src/i18n/catalog';
import { i18n } from '../i18n';
import { formatDate, formatDateTime, formatTotal, formatWeekday, plural } from './format';

const locales = join(import.meta.dirname, '../../../../packages/core/src/i18n/locales');
const read = (locale: string) => parseCatalog(readFileSync(join(locales, `${locale}.po`), 'utf8'));

beforeAll(() => {
  const english = read('en');
  i18n.load('en', compileCatalog(english) as never);
  i18n.load('yo', compileCatalog(read('yo'), english) as never);
  i18n.activate('en');
});

function inLocale(locale: 'en' | 'yo', run: () => void) {
  i18n.activate(locale);
  try {
    run();
  } finally {
    i18n.activate('en');
  }
}

describe('formatTotal', () => {
  it('gives a counted total as it is, with thousands separators', () => {
    expect(formatTotal(0, true)).toBe('0');
    expect(formatTotal(48, true)).toBe('48');
    expect(formatTotal(10_234, true)).toBe('10,234');
    expect(formatTotal(100_000, true)).toBe('100,000');
  });

  it('says "about" an estimate, to two significant figures', () => {
    expect(formatTotal(10_234, false)).toBe('about 10,000');
    expect(formatTotal(2_143, false)).toBe('about 2,100');
    expect(formatTotal(99_960, false)).toBe('about 100,000');
    expect(formatTotal(1_001, false)).toBe('about 1,000');
    expect(formatTotal(156, false)).toBe('about 160');
    expect(formatTotal(56, false)).toBe('about 56');
  });

  it('says it in the active language', () => {
    inLocale('yo', () => expect(formatTotal(10_234, false)).toBe('nǹkan bí 10,000'));
  });
});

describe('dates in the active language, West Africa Time', () => {
  // 23:30 UTC on 30 Nov is already 1 Dec in Lagos.
  const late = '2025-11-30T23:30:00Z';

  it('English: "1 Dec 2025", "1 Dec 2025, 00:30"', () => {
    expect(formatDate(late)).toBe('1 Dec 2025');
    expect(formatDateTime(late)).toBe('1 Dec 2025, 00:30');
    expect(formatWeekday('2025-11-24')).toBe('Mon');
  });

  it('Yorùbá: month and weekday names from the catalogue, the time after "ní"', () => {
    inLocale('yo', () => {
      expect(formatDate(late)).toBe('1 Oṣù Ọ̀pẹ̀ 2025');
      expect(formatDate('2025-11-27T10:00:00Z')).toBe('27 Oṣù Bélú 2025');
      expect(formatDateTime(late)).toBe('1 Oṣù Ọ̀pẹ̀ 2025 ní 00:30');
      expect(formatWeekday('2025-11-24')).toBe('Ajé');
    });
  });

  it('an empty or broken date is a dash in any language', () => {
    expect(formatDate(null)).toBe('—');
    inLocale('yo', () => expect(formatDateTime('not a date')).toBe('—'));
  });
});

describe('plural', () => {
  it('takes an ICU message id, or the old English pair', () => {
    expect(plural(1, 'common.items')).toBe('1 item');
    expect(plural(3, 'common.items')).toBe('3 items');
    inLocale('yo', () => expect(plural(3, 'common.items')).toBe('nǹkan 3'));
    expect(plural(2, 'row', 'rows')).toBe('2 rows');
  });
});
