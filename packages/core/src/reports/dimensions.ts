import { sectorOf, skillOf } from './taxonomy.js';

/**
 * How a respondent is counted in reports: the dimension keys of one respondent, and their labels.
 * The API's rollups and any direct count must agree with these functions exactly.
 */
export const REPORT_DIMENSIONS = ['total', 'gender', 'age_band', 'employment_type', 'sector', 'skill'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

export const GENDER_LABELS: Record<string, string> = {
  male: 'Male',
  female: 'Female',
  other: 'Prefer not to say',
  unknown: 'Not recorded',
};

export const EMPLOYMENT_TYPE_LABELS: Record<string, string> = {
  wage_public: 'Wage earner (government/public sector)',
  wage_private: 'Wage earner (private sector)',
  self_employed: 'Self-employed',
  contractor: 'Contractor/consultant',
  family_unpaid: 'Unpaid family worker',
  apprentice: 'Apprentice/intern',
  none: 'Not working / not answered',
  other: 'Other',
};

/** Age at registration, in bands; `unknown` when no date of birth was recorded. */
export const AGE_BANDS = [
  { key: 'under_15', label: 'Under 15', min: 0 },
  { key: '15_24', label: '15–24', min: 15 },
  { key: '25_34', label: '25–34', min: 25 },
  { key: '35_44', label: '35–44', min: 35 },
  { key: '45_54', label: '45–54', min: 45 },
  { key: '55_64', label: '55–64', min: 55 },
  { key: '65_plus', label: '65 and over', min: 65 },
] as const;
export const AGE_BAND_LABELS: Record<string, string> = {
  ...Object.fromEntries(AGE_BANDS.map((b) => [b.key, b.label])),
  unknown: 'Not recorded',
};

export const CHANNEL_LABELS: Record<string, string> = {
  enumerator: 'Enumerator',
  public: 'Public self-registration',
  clerk: 'Data-entry clerk',
  import: 'Import',
  ussd: 'Feature phone (USSD)',
};
export const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  pending_nin_capture: 'Awaiting NIN',
  imported_unverified: 'Imported, unverified',
  verified: 'Verified',
  rejected: 'Rejected',
};

/** Full years between a date of birth and a day (both YYYY-MM-DD), as PostgreSQL's age() counts them. */
export function ageOn(dob: string, day: string): number {
  const [by, bm, bd] = dob.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function ageBandOf(dob: string | null, day: string): string {
  if (!dob) return 'unknown';
  const age = ageOn(dob, day);
  if (age < 0) return 'unknown';
  let band: string = AGE_BANDS[0].key;
  for (const b of AGE_BANDS) if (age >= b.min) band = b.key;
  return band;
}

/** The registration day (Africa/Lagos, UTC+1 all year) of an instant. */
export function lagosDay(at: Date): string {
  return new Date(at.getTime() + 3_600_000).toISOString().slice(0, 10);
}

/** What reports need of a respondent (never NIN or phone). */
export interface ReportSubject {
  createdAt: Date;
  lgaCode: string | null;
  /** The channel it came through. */
  source: string;
  status: string;
  gender: string | null;
  dob: string | null;
  employmentType: string | null;
  skills: readonly string[] | null;
}

/** The (dimension, key) pairs one respondent is counted under. */
export function subjectKeys(s: ReportSubject): [ReportDimension, string][] {
  const day = lagosDay(s.createdAt);
  const keys: [ReportDimension, string][] = [
    ['total', ''],
    ['gender', s.gender && s.gender in GENDER_LABELS ? s.gender : 'unknown'],
    ['age_band', ageBandOf(s.dob, day)],
    [
      'employment_type',
      !s.employmentType ? 'none' : s.employmentType in EMPLOYMENT_TYPE_LABELS ? s.employmentType : 'other',
    ],
  ];
  const skills = new Set((s.skills ?? []).map((k) => (skillOf(k) ? k : 'other')));
  for (const sector of new Set((s.skills ?? []).map(sectorOf))) keys.push(['sector', sector]);
  for (const skill of skills) keys.push(['skill', skill]);
  return keys;
}

/**
 * The catalogue ids of the taxonomy's names in the reader's language (area `taxonomy` of
 * packages/core/src/i18n/locales; the English there is taxonomy.ts's labels). APIs keep sending
 * codes and slugs (and the English names, for partners and exports); pages and USSD menus show
 * these. Here, not in taxonomy.ts, so a page that only words names does not ship the skills list.
 */
export const sectorTextId = (code: string) => `taxonomy.sector.${code}`;
export const skillTextId = (slug: string) => `taxonomy.skill.${slug}`;

/** A way reports and insights break registrations down, and the catalogue id of one of its values' words. */
export type ReportBreakdown =
  'lga' | 'sector' | 'skill' | 'gender' | 'age_band' | 'employment_type' | 'channel' | 'status';

/**
 * The catalogue id of a report row's label in the reader's language (the API's `label` is English),
 * or null where the label is a proper name (an LGA) or a date.
 */
export function breakdownTextId(breakdown: ReportBreakdown, key: string): string | null {
  switch (breakdown) {
    case 'lga':
      return key === 'unknown' ? 'taxonomy.lga.unknown' : null;
    case 'sector':
      return sectorTextId(key);
    case 'skill':
      return skillTextId(key);
    case 'gender':
      return `taxonomy.gender.${key}`;
    case 'age_band':
      return `taxonomy.ageBand.${key}`;
    case 'employment_type':
      return `taxonomy.employment.${key}`;
    case 'channel':
      return `staff.reports.channel.${key}`;
    case 'status':
      return `staff.reports.status.${key}`;
  }
}
