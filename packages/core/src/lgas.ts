import data from './lgas.json' with { type: 'json' };

export interface Lga {
  code: string;
  name: string;
}

/** Oyo State's 33 Local Government Areas; `code` is the one key used everywhere. */
export const LGAS: readonly Lga[] = data.lgas;
export const LGA_CODES: readonly string[] = LGAS.map((l) => l.code);
const byCode = new Map(LGAS.map((l) => [l.code, l]));

export function isLgaCode(value: string): boolean {
  return byCode.has(value);
}
export function lgaName(code: string): string | undefined {
  return byCode.get(code)?.name;
}
