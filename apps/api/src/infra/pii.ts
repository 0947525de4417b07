/**
 * Personal identifiers at rest: NIN and phone numbers (and the NIN and phone inside raw answers) are
 * stored sealed with AES-256-GCM under a key from configuration, and found through an HMAC blind
 * index under a separate key, so a database file, its write-ahead log or a backup holds no plaintext.
 *
 *   sealed value:  v1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>   (AAD: the value's purpose)
 *   blind index:   base64url(HMAC-SHA256(index key, purpose ‖ 0x00 ‖ value))[:128 bits]
 *
 * Key ids are derived from the keys (8 hex digits), so rotating is: put the new key in
 * NIN_ENCRYPTION_KEY, the old one in NIN_ENCRYPTION_OLD_KEYS, restart, run `npm run pii:rotate`
 * (deploy/RUNBOOK.md). Values under an old key stay readable until then.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomFillSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a sealed value is for: bound into the ciphertext, so a NIN cannot be moved into a phone column. */
export type PiiPurpose = 'nin' | 'phone' | 'answers';
/** What a blind index is over (values of different purposes never collide). */
export type IndexPurpose = 'nin' | 'phone' | 'body' | 'partner_key';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INDEX_BYTES = 16;

export class PiiKeyError extends Error {}

/** A 32-byte key from base64 (44 characters) or hex (64). */
export function parseKey(text: string, name: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(t) && key.toString('base64') !== t.replace(/=*$/, '=')))
    throw new PiiKeyError(`${name} must be 32 random bytes, base64 (npm run pii:keygen prints a new one)`);
  return key;
}

export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('oslrs key id').digest('hex').slice(0, 8);
}

export function newKey(): string {
  return randomBytes(32).toString('base64');
}

export interface PiiKeys {
  /** Seals every new value. */
  current: Buffer;
  /** Still open values sealed before a rotation. */
  old: Buffer[];
  /** The blind index's HMAC key (separate from the encryption keys). */
  index: Buffer;
}

export class PiiCipher {
  private readonly currentId: string;
  private readonly byId = new Map<string, Buffer>();

  constructor(private readonly keys: PiiKeys) {
    this.currentId = keyId(keys.current);
    for (const k of [keys.current, ...keys.old]) this.byId.set(keyId(k), k);
    if (keys.old.some((k) => k.equals(keys.index)) || keys.current.equals(keys.index))
      throw new PiiKeyError('The blind-index key must differ from the encryption keys');
  }

  get keyId(): string {
    return this.currentId;
  }

  /**
   * Random IVs drawn from a block filled at once (one call into the system's generator per 512 seals
   * instead of one per seal; each IV is still used exactly once: the cursor only moves forward).
   */
  private readonly ivPool = Buffer.allocUnsafe(IV_BYTES * 512);
  private ivAt = this.ivPool.length;
  private readonly aad = new Map<string, Buffer>();

  private nextIv(): Buffer {
    if (this.ivAt === this.ivPool.length) {
      randomFillSync(this.ivPool);
      this.ivAt = 0;
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + IV_BYTES);
    this.ivAt += IV_BYTES;
    return iv;
  }

  seal(plain: string, purpose: PiiPurpose): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.keys.current, iv);
    let aad = this.aad.get(purpose);
    if (!aad) this.aad.set(purpose, (aad = Buffer.from(purpose)));
    cipher.setAAD(aad);
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${this.currentId}.${body.toString('base64url')}`;
  }

  sealOrNull(plain: string | null | undefined, purpose: PiiPurpose): string | null {
    return plain === null || plain === undefined ? null : this.seal(plain, purpose);
  }

  /** Opens a sealed value; a tampered value, a wrong purpose or an unknown key id throws. */
  open(sealed: string, purpose: PiiPurpose): string {
    const [version, id, data] = sealed.split('.');
    if (version !== VERSION || !id || !data) throw new PiiKeyError('Not a sealed value');
    const key = this.byId.get(id);
    if (!key) throw new PiiKeyError(`Sealed under key ${id}, which is not configured (NIN_ENCRYPTION_OLD_KEYS)`);
    const body = Buffer.from(data, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new PiiKeyError('Sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  openOrNull(sealed: string | null | undefined, purpose: PiiPurpose): string | null {
    return sealed === null || sealed === undefined ? null : this.open(sealed, purpose);
  }

  /** Whether a sealed value is under the current key (else `pii:rotate` re-seals it). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${VERSION}.${this.currentId}.`);
  }

  /** Whether any of these sealed values (nulls aside) is under an older key. */
  anyStale(sealed: (string | null)[]): boolean {
    return sealed.some((v) => v !== null && !this.isCurrent(v));
  }

  /** The blind index: equal values give equal indexes; without the key, an index says nothing. */
  blindIndex(value: string, purpose: IndexPurpose): string {
    return createHmac('sha256', this.keys.index)
      .update(purpose)
      .update('\0')
      .update(value)
      .digest()
      .subarray(0, INDEX_BYTES)
      .toString('base64url');
  }

  blindIndexOrNull(value: string | null | undefined, purpose: IndexPurpose): string | null {
    return value === null || value === undefined ? null : this.blindIndex(value, purpose);
  }
}

export interface PiiKeySource {
  encryptionKey: string | undefined;
  oldKeys: string[];
  indexKey: string | undefined;
  /** Where development and the embedded default keep generated keys. */
  keyFile: string;
}

/**
 * The keys from configuration; without them (development, the embedded default), from the key file,
 * generated and written there (0600) on the first start, which `onGenerated` reports once.
 */
export function loadPiiKeys(source: PiiKeySource, onGenerated: (file: string) => void = () => {}): PiiKeys {
  if (source.encryptionKey || source.indexKey) {
    if (!source.encryptionKey || !source.indexKey)
      throw new PiiKeyError('Set both NIN_ENCRYPTION_KEY and NIN_INDEX_KEY (npm run pii:keygen)');
    return {
      current: parseKey(source.encryptionKey, 'NIN_ENCRYPTION_KEY'),
      old: source.oldKeys.map((k, i) => parseKey(k, `NIN_ENCRYPTION_OLD_KEYS[${i}]`)),
      index: parseKey(source.indexKey, 'NIN_INDEX_KEY'),
    };
  }
  const stored = readKeyFile(source.keyFile) ?? createKeyFile(source.keyFile, onGenerated);
  return {
    current: parseKey(stored.encryptionKey, `${source.keyFile}: encryptionKey`),
    old: [...(stored.oldKeys ?? []), ...source.oldKeys].map((k, i) => parseKey(k, `old key ${i}`)),
    index: parseKey(stored.indexKey, `${source.keyFile}: indexKey`),
  };
}

interface KeyFile {
  encryptionKey: string;
  indexKey: string;
  oldKeys?: string[];
}

function readKeyFile(file: string): KeyFile | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PiiKeyError(`Cannot read the key file ${file}: ${(err as Error).message}`);
  }
}

function createKeyFile(file: string, onGenerated: (file: string) => void): KeyFile {
  const keys: KeyFile = { encryptionKey: newKey(), indexKey: newKey() };
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': two processes starting at once agree on the first one's keys.
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file)!;
    throw err;
  }
  onGenerated(file);
  return keys;
}
