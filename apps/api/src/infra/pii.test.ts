import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiiCipher, PiiKeyError, keyId, loadPiiKeys, newKey, parseKey } from './pii.js';

const keys = () => ({ current: parseKey(newKey(), 'k'), old: [], index: parseKey(newKey(), 'i') });

describe('PII sealing', () => {
  it('seals with a fresh IV each time, opens back, and binds the purpose', () => {
    const pii = new PiiCipher(keys());
    const a = pii.seal('48213957062', 'nin');
    const b = pii.seal('48213957062', 'nin');
    expect(a).not.toBe(b);
    expect(a).not.toContain('48213957062');
    expect(a.startsWith(`v1.${pii.keyId}.`)).toBe(true);
    expect(pii.open(a, 'nin')).toBe('48213957062');
    // A NIN moved into a phone column does not open there.
    expect(() => pii.open(a, 'phone')).toThrow();
  });

  it('never repeats an IV, across refills of its block of random bytes', () => {
    const pii = new PiiCipher(keys());
    const sealed = Array.from({ length: 1_500 }, (_, i) => pii.seal(`0803${i}`, i % 2 ? 'nin' : 'phone'));
    const ivs = sealed.map((s) => Buffer.from(s.split('.')[2]!, 'base64url').subarray(0, 12).toString('hex'));
    expect(new Set(ivs).size).toBe(sealed.length);
    expect(sealed.every((s, i) => pii.open(s, i % 2 ? 'nin' : 'phone') === `0803${i}`)).toBe(true);
  });

  it('refuses a tampered value and an unknown key', () => {
    const pii = new PiiCipher(keys());
    const sealed = pii.seal('08031234567', 'phone');
    const body = Buffer.from(sealed.split('.')[2]!, 'base64url');
    body[14]! ^= 1;
    expect(() => pii.open(`v1.${pii.keyId}.${body.toString('base64url')}`, 'phone')).toThrow();
    const other = new PiiCipher(keys());
    expect(() => other.open(sealed, 'phone')).toThrow(PiiKeyError);
  });

  it('rotation: the old key still opens, new values use the new key, isCurrent tells them apart', () => {
    const before = keys();
    const oldPii = new PiiCipher(before);
    const sealed = oldPii.seal('48213957062', 'nin');
    const next = new PiiCipher({ current: parseKey(newKey(), 'k2'), old: [before.current], index: before.index });
    expect(next.open(sealed, 'nin')).toBe('48213957062');
    expect(next.isCurrent(sealed)).toBe(false);
    expect(next.isCurrent(next.seal('1', 'nin'))).toBe(true);
    expect(keyId(before.current)).toBe(oldPii.keyId);
    // The blind index depends on the index key only: unchanged by an encryption-key rotation.
    expect(next.blindIndex('48213957062', 'nin')).toBe(oldPii.blindIndex('48213957062', 'nin'));
  });

  it('the blind index is deterministic per purpose and key, and reveals nothing without the key', () => {
    const k = keys();
    const pii = new PiiCipher(k);
    expect(pii.blindIndex('48213957062', 'nin')).toBe(new PiiCipher(k).blindIndex('48213957062', 'nin'));
    expect(pii.blindIndex('48213957062', 'nin')).not.toBe(pii.blindIndex('48213957062', 'phone'));
    expect(pii.blindIndex('48213957062', 'nin')).not.toBe(new PiiCipher(keys()).blindIndex('48213957062', 'nin'));
    expect(pii.blindIndex('48213957062', 'nin')).toMatch(/^[\w-]{22}$/);
  });

  it('refuses malformed keys and an index key equal to the encryption key', () => {
    expect(() => parseKey('short', 'NIN_ENCRYPTION_KEY')).toThrow(/NIN_ENCRYPTION_KEY must be 32 random bytes/);
    const k = parseKey(newKey(), 'k');
    expect(() => new PiiCipher({ current: k, old: [], index: k })).toThrow(/must differ/);
    expect(parseKey('ab'.repeat(32), 'hex').length).toBe(32);
    expect(() =>
      loadPiiKeys({ encryptionKey: newKey(), indexKey: undefined, oldKeys: [], keyFile: '/nonexistent' }),
    ).toThrow(/both/);
  });

  it('without configured keys, generates a 0600 key file once and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pii-')), 'sub', 'pii-keys.json');
    const generated: string[] = [];
    const source = { encryptionKey: undefined, indexKey: undefined, oldKeys: [], keyFile: file };
    const first = loadPiiKeys(source, (f) => generated.push(f));
    const second = loadPiiKeys(source, (f) => generated.push(f));
    expect(generated).toEqual([file]);
    expect(first.current.equals(second.current)).toBe(true);
    expect(first.index.equals(second.index)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('encryptionKey');
  });
});
