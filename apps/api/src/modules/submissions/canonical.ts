/**
 * Stable JSON: keys sorted at every level (undefined members left out), so the same body always
 * hashes the same. Stored body hashes depend on this exact text: any change must keep it byte for
 * byte (canonical.test.ts compares it with the first implementation). Built by appending to one
 * string rather than arrays of pieces joined at each level (the body hash of every submission).
 */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      // As join() writes an undefined (or unserialisable) element: nothing.
      out += canonical(value[i]) ?? '';
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + canonical(v);
  }
  return out + '}';
}
