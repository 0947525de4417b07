import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_SPACE,
  compactCode,
  encodeCode,
  isValidCode,
  normalizeCode,
  parseCode,
  type CodeKind,
} from './reference.js';

const KINDS: CodeKind[] = ['registration', 'card'];
/** A spread of sequence numbers: the first ones, some middle ones, the last one. */
const SAMPLE = [0, 1, 2, 3, 30, 31, 961, 123_456, 9_999_999, CODE_SPACE - 1];

describe('short codes', () => {
  it('has 31 symbols and none of the look-alikes 0 O 1 I L', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(31);
    for (const c of '0O1IL') expect(CODE_ALPHABET).not.toContain(c);
  });

  it('encodes to PREFIX-XXX-XXX and reads back, whatever the case, spaces or dashes', () => {
    expect(encodeCode('registration', 1)).toMatch(/^OY-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    expect(encodeCode('card', 1)).toMatch(/^OYS-[2-9A-Z]{3}-[2-9A-Z]{3}$/);
    for (const kind of KINDS)
      for (const n of SAMPLE) {
        const code = encodeCode(kind, n);
        expect(normalizeCode(kind, code)).toBe(code);
        expect(normalizeCode(kind, code.toLowerCase())).toBe(code);
        expect(normalizeCode(kind, compactCode(code))).toBe(code);
        expect(normalizeCode(kind, ` ${code.replace(/-/g, ' ')} `)).toBe(code);
      }
  });

  it('gives distinct codes to distinct numbers (a bijection over the code space), not counting up visibly', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 50_000; n++) seen.add(encodeCode('registration', n));
    expect(seen.size).toBe(50_000);
    // Consecutive numbers differ in more than the last data character.
    expect(encodeCode('registration', 1).slice(0, 6)).not.toBe(encodeCode('registration', 2).slice(0, 6));
    expect(() => encodeCode('registration', CODE_SPACE)).toThrow(RangeError);
    expect(() => encodeCode('registration', -1)).toThrow(RangeError);
  });

  it('catches every single-character substitution', () => {
    for (const kind of KINDS)
      for (const n of SAMPLE) {
        const code = encodeCode(kind, n);
        const body = compactCode(code).slice(kind === 'card' ? 3 : 2);
        const prefix = kind === 'card' ? 'OYS' : 'OY';
        for (let i = 0; i < body.length; i++)
          for (const c of CODE_ALPHABET) {
            if (c === body[i]) continue;
            const typo = prefix + body.slice(0, i) + c + body.slice(i + 1);
            expect(parseCode(kind, typo), `${code} → ${typo}`).toEqual({ problem: 'check' });
          }
      }
  });

  it('catches every transposition of two different characters, adjacent or not', () => {
    for (const kind of KINDS)
      for (let n = 0; n < 2_000; n++) {
        const code = encodeCode(kind, n * 7919);
        const prefix = kind === 'card' ? 'OYS' : 'OY';
        const body = [...compactCode(code).slice(prefix.length)];
        for (let i = 0; i < body.length; i++)
          for (let j = i + 1; j < body.length; j++) {
            if (body[i] === body[j]) continue;
            const swapped = [...body];
            [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
            expect(isValidCode(kind, prefix + swapped.join('')), `${code} swap ${i},${j}`).toBe(false);
          }
      }
  });

  it('refuses the wrong prefix, length or characters as shape problems, and one kind as the other', () => {
    const code = encodeCode('registration', 42);
    expect(parseCode('registration', 'XY' + code.slice(2))).toEqual({ problem: 'shape' });
    expect(parseCode('registration', code + '2')).toEqual({ problem: 'shape' });
    expect(parseCode('registration', code.slice(0, -1))).toEqual({ problem: 'shape' });
    expect(parseCode('registration', code.slice(0, -1) + 'O')).toEqual({ problem: 'shape' });
    expect(parseCode('registration', '')).toEqual({ problem: 'shape' });
    expect(parseCode('registration', 'Oyetunde')).not.toHaveProperty('code');
    expect(isValidCode('card', code)).toBe(false);
    // The same body under the other prefix fails its check (each kind has its own salt).
    const body = compactCode(code).slice(2);
    expect(parseCode('card', 'OYS' + body)).toEqual({ problem: 'check' });
  });
});
