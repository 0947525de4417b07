import {
  IMPORT_FIELDS,
  IMPORT_REQUIRED_FIELDS,
  LGAS,
  isLgaCode,
  isWellFormedNin,
  normalizeNin,
  normalizePhone,
  type ImportField,
  type ImportMapping,
  type ImportSkipReason,
} from '@oslrs/core';
import { Unprocessable } from '../../errors.js';
import { nameKeyOf, type ImportedPerson } from '../respondents/index.js';

/** Column index of each mapped field. */
export type Columns = Map<ImportField, number>;

const fold = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Which column fills which field: the mapping given (every column it names must exist, no field
 * twice), else the header itself where it already uses field names. Required fields must be covered.
 */
export function resolveColumns(header: string[], mapping: ImportMapping | undefined): Columns {
  const columns: Columns = new Map();
  if (mapping && Object.keys(mapping).length) {
    const problems: string[] = [];
    const folded = header.map(fold);
    for (const [column, field] of Object.entries(mapping)) {
      const at = header.indexOf(column) >= 0 ? header.indexOf(column) : folded.indexOf(fold(column));
      if (at < 0) problems.push(`The file has no column "${column}"`);
      else if (columns.has(field)) problems.push(`Two columns are mapped to ${field}`);
      else columns.set(field, at);
    }
    if (problems.length) throw Unprocessable('IMPORT_MAPPING_INVALID', problems.join('; '), { problems, header });
  } else {
    header.forEach((h, i) => {
      const f = fold(h) as ImportField;
      if ((IMPORT_FIELDS as readonly string[]).includes(f) && !columns.has(f)) columns.set(f, i);
    });
  }
  const missing = IMPORT_REQUIRED_FIELDS.filter((f) => !columns.has(f));
  if (missing.length)
    throw Unprocessable(
      'IMPORT_MAPPING_INVALID',
      `Map a column to ${missing.join(', ')} (or name the columns ${IMPORT_FIELDS.join(', ')})`,
      { missing, header },
    );
  return columns;
}

const LGA_BY_NAME = new Map(LGAS.map((l) => [fold(l.name), l.code]));
const GENDERS: Record<string, string> = { m: 'male', male: 'male', f: 'female', female: 'female', other: 'other' };
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

function isoDate(raw: string): string | null | undefined {
  if (!raw) return null;
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw)))
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || date.getTime() > Date.now())
    return undefined;
  return date.toISOString().slice(0, 10);
}

/** One row normalised, with every reason it cannot be imported as it stands (empty: valid). */
export function judgeRow(cells: string[], columns: Columns): { person: ImportedPerson; reasons: ImportSkipReason[] } {
  const get = (f: ImportField) => {
    const i = columns.get(f);
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const reasons: ImportSkipReason[] = [];
  const surname = get('surname');
  const firstname = get('firstname');
  if (!surname || !firstname) reasons.push('name_missing');
  const rawNin = get('nin');
  const nin = rawNin ? normalizeNin(rawNin) : null;
  if (nin && !isWellFormedNin(nin)) reasons.push('nin_invalid');
  const rawPhone = get('phone_number');
  // A spreadsheet keeps 0803… as the number 803…: the leading zero comes back.
  const phone = rawPhone ? normalizePhone(/^[1-9]\d{9}$/.test(rawPhone) ? `0${rawPhone}` : rawPhone) : null;
  if (rawPhone && !phone) reasons.push('phone_invalid');
  const rawLga = get('lga_id');
  const lgaCode = isLgaCode(rawLga) ? rawLga : (LGA_BY_NAME.get(fold(rawLga)) ?? null);
  if (!lgaCode) reasons.push('lga_invalid');
  const dob = isoDate(get('dob'));
  if (dob === undefined) reasons.push('date_invalid');
  const rawGender = get('gender').toLowerCase();
  const gender = rawGender ? (GENDERS[rawGender] ?? null) : null;
  if (rawGender && !gender) reasons.push('gender_invalid');
  const email = get('email').toLowerCase() || null;
  if (email && !EMAIL.test(email)) reasons.push('email_invalid');
  const skills = get('skills');
  return {
    reasons,
    person: {
      nin,
      fields: {
        surname: surname || null,
        firstname: firstname || null,
        gender,
        dob: dob ?? null,
        phone,
        email,
        lgaCode,
        mainOccupation: get('main_occupation') || null,
        employmentType: get('employment_type') || null,
        yearsExperience: get('years_experience') || null,
        skills: skills ? skills.split(/[;,\s]+/).filter(Boolean) : null,
        consentMarketplace: false,
        consentEnriched: false,
        marketplaceBio: null,
      },
    },
  };
}

/**
 * Duplicates within the file, earlier rows winning: the same NIN; likely the same person by phone or
 * name + date of birth + LGA when one of the two has no NIN (the registry's own rule).
 */
export class FileDuplicates {
  private readonly nins = new Set<string>();
  private readonly phones = new Map<string, boolean>();
  private readonly names = new Map<string, boolean>();

  check(p: ImportedPerson): ImportSkipReason[] {
    const reasons: ImportSkipReason[] = [];
    if (p.nin && this.nins.has(p.nin)) reasons.push('nin_duplicate_file');
    const name = nameKeyOf(p.fields);
    const likely = (seen: Map<string, boolean>, key: string | null) => {
      const noNin = key === null ? undefined : seen.get(key);
      return noNin !== undefined && (!p.nin || noNin);
    };
    if (!reasons.length && (likely(this.phones, p.fields.phone) || likely(this.names, name)))
      reasons.push('likely_duplicate_file');
    return reasons;
  }

  /** Remember a row that will be created. */
  add(p: ImportedPerson) {
    if (p.nin) this.nins.add(p.nin);
    const note = (seen: Map<string, boolean>, key: string | null) => {
      if (key) seen.set(key, (seen.get(key) ?? false) || !p.nin);
    };
    note(this.phones, p.fields.phone);
    note(this.names, nameKeyOf(p.fields));
  }
}
