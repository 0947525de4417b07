/**
 * The fraud thresholds as a form: every field with its label, unit and limits (percentages shown
 * for the fractions the API stores), and the parsing and checks between the form and the API.
 */
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '@oslrs/core';

export type Group = keyof FraudThresholds;
/** "gps.maxAccuracyM": the same dotted path the API uses in its validation issues. */
export type Path = { [G in Group]: `${G}.${Extract<keyof FraudThresholds[G], string>}` }[Group];

export interface FieldDef {
  path: Path;
  /** The visible label, with its unit. */
  label: string;
  hint?: string;
  /** Stored as a fraction from 0 to 1, shown and typed as a percentage. */
  percent?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
}

export interface SectionDef {
  group: Group;
  legend: string;
  explanation: string;
  fields: FieldDef[];
}

const D = DEFAULT_FRAUD_THRESHOLDS;
const pct = (fraction: number) => `${show(fraction * 100)} %`;
const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;

function points(signal: string, group: Group): FieldDef {
  return {
    path: `${group}.points` as Path,
    label: `Points for ${signal}`,
    hint: 'Added to the score when this signal fires.',
    integer: true,
    min: 0,
  };
}

// Explanations follow SPEC "Fraud signals"; the starting values quoted come from DEFAULT_FRAUD_THRESHOLDS.
export const SIGNALS: SectionDef[] = [
  {
    group: 'gps',
    legend: 'GPS clustering',
    explanation:
      `Checks where a survey was taken (only surveys sent with a GPS fix). It adds its points once, however many of ` +
      `its checks match. Starting values: ${D.gps.points} points for ≥ ${D.gps.clusterCount} surveys within ` +
      `${D.gps.clusterRadiusM} m in ${D.gps.clusterWindowHours} h by one enumerator; a jump between two surveys ` +
      `faster than ${D.gps.maxSpeedKmh} km/h; a survey within ${D.gps.otherCollectorRadiusM} m of another ` +
      `enumerator's the same day; or GPS accuracy worse than ${D.gps.maxAccuracyM} m.`,
    fields: [
      points('GPS clustering', 'gps'),
      {
        path: 'gps.clusterCount',
        label: 'Surveys that make a cluster',
        hint: 'This many surveys or more by one enumerator, close together in place and time.',
        integer: true,
        min: 2,
      },
      { path: 'gps.clusterRadiusM', label: 'Cluster radius (m)', min: 1 },
      { path: 'gps.clusterWindowHours', label: 'Cluster time window (h)', min: 0.1 },
      {
        path: 'gps.maxSpeedKmh',
        label: 'Fastest plausible travel between surveys (km/h)',
        hint: 'A faster jump from the enumerator’s previous survey is flagged.',
        min: 1,
      },
      {
        path: 'gps.otherCollectorRadiusM',
        label: 'Distance to another enumerator’s survey the same day (m)',
        hint: 'Within this distance of another enumerator’s survey on the same day is flagged.',
        min: 0,
      },
      {
        path: 'gps.maxAccuracyM',
        label: 'GPS accuracy limit (m)',
        hint: 'A fix less accurate than this (a larger figure) is flagged.',
        min: 1,
      },
    ],
  },
  {
    group: 'speedRun',
    legend: 'Speed-run',
    explanation:
      `Checks how long a survey took. Once a form version has enough surveys, a survey is compared with their ` +
      `median duration; until then, with a minimum time per answered question. Starting values: ` +
      `${D.speedRun.points} points for under ${pct(D.speedRun.medianFraction)} of the median duration for the form, ` +
      `or under ${D.speedRun.floorSecondsPerQuestion} seconds per question while fewer than ` +
      `${D.speedRun.minSurveysForMedian} surveys exist.`,
    fields: [
      points('speed-run', 'speedRun'),
      {
        path: 'speedRun.medianFraction',
        label: 'Share of the median duration (%)',
        hint: 'A survey faster than this share of the form’s median duration is flagged.',
        percent: true,
      },
      {
        path: 'speedRun.minSurveysForMedian',
        label: 'Surveys needed before the median is used',
        integer: true,
        min: 1,
      },
      {
        path: 'speedRun.floorSecondsPerQuestion',
        label: 'Minimum time until then (seconds per question)',
        hint: 'Used while the form has fewer surveys than the number above.',
        min: 0,
      },
    ],
  },
  {
    group: 'straightLining',
    legend: 'Straight-lining',
    explanation:
      `Checks for the same answer given again and again to questions that share a choice list. Starting values: ` +
      `${D.straightLining.points} points for ≥ ${D.straightLining.minQuestions} questions sharing a choice list ` +
      `with ≥ ${pct(D.straightLining.sameAnswerFraction)} the same answer.`,
    fields: [
      points('straight-lining', 'straightLining'),
      {
        path: 'straightLining.minQuestions',
        label: 'Questions sharing a choice list',
        hint: 'At least this many answered questions on one choice list are needed to judge.',
        integer: true,
        min: 2,
      },
      {
        path: 'straightLining.sameAnswerFraction',
        label: 'Same answer share (%)',
        hint: 'This share or more of those answers being the same is flagged.',
        percent: true,
      },
    ],
  },
  {
    group: 'nearDuplicate',
    legend: 'Near-duplicate answers',
    explanation:
      `Compares a survey with the same collector’s recent surveys of the same form. Starting values: ` +
      `${D.nearDuplicate.points} points for ≥ ${pct(D.nearDuplicate.equalFraction)} of fields equal to another ` +
      `submission by the same collector within ${D.nearDuplicate.windowDays} days.`,
    fields: [
      points('near-duplicate answers', 'nearDuplicate'),
      {
        path: 'nearDuplicate.equalFraction',
        label: 'Fields equal to another survey (%)',
        hint: 'This share of fields or more with the same answer is flagged.',
        percent: true,
      },
      { path: 'nearDuplicate.windowDays', label: 'Look-back window (days)', min: 0.1 },
    ],
  },
  {
    group: 'offHours',
    legend: 'Off-hours',
    explanation:
      `Checks the time a survey was completed, in West Africa Time (UTC+1). The window runs from the start hour up ` +
      `to the end hour, across midnight when the start is later than the end. Starting values: ` +
      `${D.offHours.points} points for ${hour(D.offHours.startHourWat)}–${hour(D.offHours.endHourWat)} WAT.`,
    fields: [
      points('off-hours', 'offHours'),
      {
        path: 'offHours.startHourWat',
        label: 'Off-hours start (WAT hour, 0–23)',
        hint: 'For example 23 for 23:00.',
        integer: true,
        min: 0,
        max: 23,
      },
      {
        path: 'offHours.endHourWat',
        label: 'Off-hours end (WAT hour, 0–23)',
        hint: 'For example 5 for up to 05:00.',
        integer: true,
        min: 0,
        max: 23,
      },
    ],
  },
  {
    group: 'samePhone',
    legend: 'Many registrations from one phone',
    explanation:
      `Scores feature-phone (USSD) registrations, whose number comes from the mobile network itself: it counts the ` +
      `registrations, through any channel, that gave the same number. Families share phones, so this flags, never ` +
      `refuses. Starting values: ` +
      `${D.samePhone.points} points when a registration is at least the ${D.samePhone.count}th from one phone ` +
      `within ${D.samePhone.windowDays} days.`,
    fields: [
      points('many registrations from one phone', 'samePhone'),
      {
        path: 'samePhone.count',
        label: 'Registrations from one phone that are flagged',
        hint: 'A registration that is at least this many from the same phone number is flagged.',
        integer: true,
        min: 2,
      },
      { path: 'samePhone.windowDays', label: 'Look-back window (days)', min: 0.1 },
    ],
  },
];

const BAND_NAMES = ['low', 'medium', 'high', 'critical'] as const;
export const BANDS: SectionDef = {
  group: 'bands',
  legend: 'Score bands',
  explanation:
    `The points of the signals that fire add up to a score, capped at 100. A submission is in the highest band ` +
    `whose cut-off its score reaches; below the low cut-off it is clean. Flags never reject data. Starting values: ` +
    `clean < ${D.bands.low}, low, medium ≥ ${D.bands.medium}, high ≥ ${D.bands.high}, critical ≥ ${D.bands.critical}.`,
  fields: BAND_NAMES.map((name) => ({
    path: `bands.${name}` as Path,
    label: `${name[0]!.toUpperCase()}${name.slice(1)} band from (points)`,
  })),
};

const SECTIONS = [...SIGNALS, BANDS];
export const FIELDS = SECTIONS.flatMap((s) => s.fields);
export const FIELD_BY_PATH = new Map<string, FieldDef>(FIELDS.map((f) => [f.path, f]));

export type Values = Record<Path, string>;
export type Errors = Partial<Record<Path, string>>;

/** A number as typed: no float noise (0.7 × 100 shows as 70, not 70.00000000000001). */
export function show(n: number): string {
  return String(Number(n.toPrecision(12)));
}

function split(path: Path): [Group, string] {
  const dot = path.indexOf('.');
  return [path.slice(0, dot) as Group, path.slice(dot + 1)];
}

function read(thresholds: FraudThresholds, path: Path): number {
  const [group, key] = split(path);
  return (thresholds[group] as Record<string, number>)[key] ?? 0;
}

export function toForm(thresholds: FraudThresholds): Values {
  return Object.fromEntries(
    FIELDS.map((f) => {
      const value = read(thresholds, f.path);
      return [f.path, show(f.percent ? value * 100 : value)];
    }),
  ) as Values;
}

/** The number typed in a field, or undefined when it is not an acceptable value there. */
export function parseField(f: FieldDef, text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(n)) return { error: f.percent ? 'Enter a percentage from 0 to 100' : 'Enter a number' };
  if (f.percent) {
    if (n < 0 || n > 100) return { error: 'Enter a percentage from 0 to 100' };
    return { value: Number((n / 100).toPrecision(12)) };
  }
  if (f.integer && !Number.isInteger(n)) return { error: 'Enter a whole number' };
  if (f.max !== undefined && f.min !== undefined && (n < f.min || n > f.max)) {
    return { error: `Enter a number from ${f.min} to ${f.max}` };
  }
  if (f.min !== undefined && n < f.min) return { error: `Enter ${f.min} or more` };
  return { value: n };
}

export function parseForm(values: Values): { thresholds?: FraudThresholds; errors: Errors } {
  const errors: Errors = {};
  const out: Record<string, Record<string, number>> = {};
  for (const f of FIELDS) {
    const { value, error } = parseField(f, values[f.path]);
    if (error !== undefined || value === undefined) {
      errors[f.path] = error ?? 'Enter a number';
      continue;
    }
    const [group, key] = split(f.path);
    (out[group] ??= {})[key] = value;
  }
  // The bands are read from critical down, so each cut-off must be above the one before it.
  const bands = out.bands;
  if (bands) {
    for (let i = 1; i < BAND_NAMES.length; i++) {
      const lower = BAND_NAMES[i - 1]!;
      const name = BAND_NAMES[i]!;
      const path = `bands.${name}` as Path;
      if (!errors[path] && bands[lower] !== undefined && bands[name] !== undefined && bands[name] <= bands[lower]) {
        errors[path] = `Enter a cut-off above the ${lower} band’s (${show(bands[lower])})`;
      }
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { thresholds: out as unknown as FraudThresholds, errors };
}

/** The sum of every signal's points, or null while one of them is not a valid number. */
export function totalPoints(values: Values): number | null {
  let total = 0;
  for (const s of SIGNALS) {
    const f = FIELD_BY_PATH.get(`${s.group}.points`)!;
    const { value } = parseField(f, values[f.path]);
    if (value === undefined) return null;
    total += value;
  }
  return total;
}

export function sameValues(a: Values, b: Values): boolean {
  return FIELDS.every((f) => Number(a[f.path].trim() || Number.NaN) === Number(b[f.path]));
}
