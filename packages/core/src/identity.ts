/**
 * NIN: 11 digits once spaces and dashes are removed, and not one digit repeated.
 * There is deliberately no checksum: real NINs carry no public check digit.
 */
export function normalizeNin(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}
export function isWellFormedNin(raw: string): boolean {
  const nin = normalizeNin(raw);
  return /^\d{11}$/.test(nin) && !/^(\d)\1{10}$/.test(nin);
}

/**
 * Nigerian phone numbers are stored in E.164 (+234 followed by 10 digits).
 * Accepts 0803…, 234803…, +234 803 …; returns null when it is not a Nigerian mobile/landline shape.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s()-]/g, '');
  let national: string | undefined;
  if (/^\+234\d{10}$/.test(compact)) national = compact.slice(4);
  else if (/^234\d{10}$/.test(compact)) national = compact.slice(3);
  else if (/^0\d{10}$/.test(compact)) national = compact.slice(1);
  if (!national || national.startsWith('0')) return null;
  return `+234${national}`;
}

/** Show only the last digits of a phone number or NIN, e.g. in lists. */
export function maskTail(value: string, visible = 4): string {
  return value.length <= visible ? value : '•'.repeat(value.length - visible) + value.slice(-visible);
}
