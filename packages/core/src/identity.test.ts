import { describe, expect, it } from 'vitest';
import { isWellFormedNin, normalizeNin, normalizePhone } from './identity.js';

describe('NIN format', () => {
  it('accepts any 11 digits whatever the last digit (there is no checksum)', () => {
    const base = '4821395706';
    for (let d = 0; d <= 9; d++) expect(isWellFormedNin(`${base}${d}`)).toBe(true);
  });
  it('ignores spaces and dashes', () => {
    expect(normalizeNin('482 1395-7062')).toBe('48213957062');
    expect(isWellFormedNin('482 1395-7062')).toBe(true);
  });
  it('refuses 10 or 12 digits, letters, and one digit repeated', () => {
    for (const bad of ['4821395706', '482139570621', '4821395706a', 'abcdefghijk', '00000000000', '11111111111', '']) {
      expect(isWellFormedNin(bad), bad).toBe(false);
    }
  });
});

describe('phone numbers', () => {
  it('normalises Nigerian numbers to E.164', () => {
    expect(normalizePhone('0803 123 4567')).toBe('+2348031234567');
    expect(normalizePhone('+234 803 123 4567')).toBe('+2348031234567');
    expect(normalizePhone('2348031234567')).toBe('+2348031234567');
    expect(normalizePhone('(0803)-123-4567')).toBe('+2348031234567');
  });
  it('refuses what is not a Nigerian number', () => {
    for (const bad of ['12345', '+14155550123', '080312345678', '0003123456', 'phone', "0803'; drop"]) {
      expect(normalizePhone(bad), bad).toBeNull();
    }
  });
});
