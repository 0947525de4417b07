/**
 * Short codes people read aloud and type: a resident's registration reference (`OY-7K3-9QX`) and a
 * staff ID card number (`OYS-4MP-2TC`). The UUIDs stay internal.
 *
 * - Alphabet: 31 symbols, without the look-alikes 0/O, 1/I/L. 31 is prime, which is what makes the
 *   check character below catch every single-character mistake.
 * - Body: 5 data characters and 1 check character, shown in two groups of three.
 * - Check: the weighted sum `salt + Σ i·v_i` (positions i = 1…6, the check character last) is 0 mod 31.
 *   A single substitution changes the sum by `i·Δ` and a transposition of positions i, j by
 *   `(i − j)(v_i − v_j)`: both non-zero mod a prime larger than every weight and every difference, so
 *   every single substitution and every transposition (adjacent or not) is caught. The salt differs
 *   per kind, so a registration body under a card prefix fails too.
 * - Data: the n-th code of a kind is `(n·A + offset) mod 31⁵`, a bijection for n < 31⁵ (28,629,151),
 *   so codes drawn from a database sequence are unique by construction and do not count up visibly.
 *   The database computes the same function (`oslrs_code` in the migration); a test keeps them equal.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = 31;
const DATA_LENGTH = 5;
/** How many codes one kind has: 31⁵. */
export const CODE_SPACE = BASE ** DATA_LENGTH;
const MULTIPLIER = 1_234_567; // coprime with 31
/** The inverse of the check character's weight (6) mod 31: 6 · 26 = 156 = 5 · 31 + 1. */
const INVERSE_OF_SIX = 26;

export const CODE_KINDS = {
  /** A resident's registration (every channel, imports too). */
  registration: { prefix: 'OY', salt: 0, offset: 0 },
  /** A staff member's ID card. */
  card: { prefix: 'OYS', salt: 13, offset: 777_777 },
} as const;
export type CodeKind = keyof typeof CODE_KINDS;

const valueOf = (ch: string) => CODE_ALPHABET.indexOf(ch);

/** The check character for five data values of a kind. */
function checkValue(kind: CodeKind, data: readonly number[]): number {
  let sum: number = CODE_KINDS[kind].salt;
  data.forEach((v, i) => (sum += (i + 1) * v));
  return (((-sum * INVERSE_OF_SIX) % BASE) + BASE) % BASE;
}

/** Displayed form: `PREFIX-ABC-DEF`. */
function display(kind: CodeKind, body: string): string {
  return `${CODE_KINDS[kind].prefix}-${body.slice(0, 3)}-${body.slice(3)}`;
}

/** The n-th code of a kind (n from a sequence, 0 ≤ n < CODE_SPACE). */
export function encodeCode(kind: CodeKind, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= CODE_SPACE) throw new RangeError(`code number out of range: ${n}`);
  let x = (n * MULTIPLIER + CODE_KINDS[kind].offset) % CODE_SPACE;
  const data: number[] = [];
  for (let i = 0; i < DATA_LENGTH; i++) {
    data.unshift(x % BASE);
    x = Math.floor(x / BASE);
  }
  const body = [...data, checkValue(kind, data)].map((v) => CODE_ALPHABET[v]).join('');
  return display(kind, body);
}

/** Upper case, without spaces, dashes and dots: what a person may have typed around the code. */
export function compactCode(input: string): string {
  return input.toUpperCase().replace(/[\s\-–—._]/g, '');
}

export type CodeProblem = 'shape' | 'check';

/**
 * A typed code, read: its displayed form when it is well-formed and its check character matches;
 * otherwise why not (`shape`: wrong prefix, length or a character outside the alphabet; `check`: a
 * typing mistake the check character caught). Case, spaces and dashes do not matter.
 */
export function parseCode(kind: CodeKind, input: string): { code: string } | { problem: CodeProblem } {
  const compact = compactCode(input);
  const { prefix } = CODE_KINDS[kind];
  if (!compact.startsWith(prefix)) return { problem: 'shape' };
  const body = compact.slice(prefix.length);
  if (body.length !== DATA_LENGTH + 1) return { problem: 'shape' };
  const values = [...body].map(valueOf);
  if (values.some((v) => v < 0)) return { problem: 'shape' };
  if (checkValue(kind, values.slice(0, DATA_LENGTH)) !== values[DATA_LENGTH]) return { problem: 'check' };
  return { code: display(kind, body) };
}

/** The displayed form of a valid code, or null. */
export function normalizeCode(kind: CodeKind, input: string): string | null {
  const parsed = parseCode(kind, input);
  return 'code' in parsed ? parsed.code : null;
}

export function isValidCode(kind: CodeKind, input: string): boolean {
  return normalizeCode(kind, input) !== null;
}
