import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than max entries, and keeps every entry of the last max / 2 writes', () => {
    const m = new BoundedMap<number, string>(100);
    for (let i = 0; i < 1000; i++) {
      m.set(i, `v${i}`);
      expect(m.size).toBeLessThanOrEqual(100);
      for (let j = Math.max(0, i - 49); j <= i; j++) expect(m.get(j)).toBe(`v${j}`);
    }
    // Long-gone writes are gone.
    expect(m.has(0)).toBe(false);
    expect(m.get(500)).toBeUndefined();
  });

  it('a read keeps an entry: the least recently used go first, not the first written', () => {
    const m = new BoundedMap<string, number>(10);
    m.set('kept', 1);
    for (let i = 0; i < 100; i++) {
      m.set(`k${i}`, i);
      expect(m.get('kept')).toBe(1);
    }
    expect(m.get('k0')).toBeUndefined();
  });

  it('set replaces, delete removes from either generation, undefined and falsy values are values', () => {
    const m = new BoundedMap<string, number | undefined>(4);
    m.set('a', 0);
    m.set('b', undefined); // the young generation (2) is full: a and b become the old one
    expect(m.has('b')).toBe(true);
    expect(m.get('a')).toBe(0); // moved back to the young generation
    m.set('a', 5);
    expect(m.get('a')).toBe(5);
    expect(m.delete('a')).toBe(true);
    expect(m.delete('b')).toBe(true);
    expect(m.delete('b')).toBe(false);
    expect(m.size).toBe(0);
    m.set('c', 1);
    m.clear();
    expect(m.has('c')).toBe(false);
    expect(() => new BoundedMap(1)).toThrow();
  });
});
