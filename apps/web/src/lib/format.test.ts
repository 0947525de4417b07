import { describe, expect, it } from 'vitest';
import { formatTotal } from './format';

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
});
