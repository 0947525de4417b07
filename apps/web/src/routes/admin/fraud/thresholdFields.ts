/**
 * The fraud thresholds as a form: every field with its label, unit and limits (percentages shown
 * for the fractions the API stores), and the parsing and checks between the form and the API.
 */
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '@oslrs/core';
import { t } from '../../../i18n';

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

// The texts are getters: read at render time, in the language chosen then (the language can change).
function points(group: Group, signal: () => string): FieldDef {
  return {
    path: `${group}.points` as Path,
    get label() {
      return t('staff.admin.fraud.pointsFor', { signal: signal() });
    },
    get hint() {
      return t('staff.admin.fraud.pointsHint');
    },
    integer: true,
    min: 0,
  };
}

// Explanations follow SPEC "Fraud signals"; the starting values quoted come from DEFAULT_FRAUD_THRESHOLDS.
export const SIGNALS: SectionDef[] = [
  {
    group: 'gps',
    get legend() {
      return t('staff.admin.fraud.gps.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.gps.explanation', {
        points: D.gps.points,
        count: D.gps.clusterCount,
        radius: D.gps.clusterRadiusM,
        hours: D.gps.clusterWindowHours,
        speed: D.gps.maxSpeedKmh,
        distance: D.gps.otherCollectorRadiusM,
        accuracy: D.gps.maxAccuracyM,
      });
    },
    fields: [
      points('gps', () => t('staff.admin.fraud.gps.signal')),
      {
        path: 'gps.clusterCount',
        get label() {
          return t('staff.admin.fraud.gps.clusterCount');
        },
        get hint() {
          return t('staff.admin.fraud.gps.clusterCountHint');
        },
        integer: true,
        min: 2,
      },
      {
        path: 'gps.clusterRadiusM',
        get label() {
          return t('staff.admin.fraud.gps.clusterRadius');
        },
        min: 1,
      },
      {
        path: 'gps.clusterWindowHours',
        get label() {
          return t('staff.admin.fraud.gps.clusterWindow');
        },
        min: 0.1,
      },
      {
        path: 'gps.maxSpeedKmh',
        get label() {
          return t('staff.admin.fraud.gps.maxSpeed');
        },
        get hint() {
          return t('staff.admin.fraud.gps.maxSpeedHint');
        },
        min: 1,
      },
      {
        path: 'gps.otherCollectorRadiusM',
        get label() {
          return t('staff.admin.fraud.gps.otherCollector');
        },
        get hint() {
          return t('staff.admin.fraud.gps.otherCollectorHint');
        },
        min: 0,
      },
      {
        path: 'gps.maxAccuracyM',
        get label() {
          return t('staff.admin.fraud.gps.accuracy');
        },
        get hint() {
          return t('staff.admin.fraud.gps.accuracyHint');
        },
        min: 1,
      },
    ],
  },
  {
    group: 'speedRun',
    get legend() {
      return t('staff.admin.fraud.speedRun.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.speedRun.explanation', {
        points: D.speedRun.points,
        share: pct(D.speedRun.medianFraction),
        seconds: D.speedRun.floorSecondsPerQuestion,
        surveys: D.speedRun.minSurveysForMedian,
      });
    },
    fields: [
      points('speedRun', () => t('staff.admin.fraud.speedRun.signal')),
      {
        path: 'speedRun.medianFraction',
        get label() {
          return t('staff.admin.fraud.speedRun.median');
        },
        get hint() {
          return t('staff.admin.fraud.speedRun.medianHint');
        },
        percent: true,
      },
      {
        path: 'speedRun.minSurveysForMedian',
        get label() {
          return t('staff.admin.fraud.speedRun.minSurveys');
        },
        integer: true,
        min: 1,
      },
      {
        path: 'speedRun.floorSecondsPerQuestion',
        get label() {
          return t('staff.admin.fraud.speedRun.floor');
        },
        get hint() {
          return t('staff.admin.fraud.speedRun.floorHint');
        },
        min: 0,
      },
    ],
  },
  {
    group: 'straightLining',
    get legend() {
      return t('staff.admin.fraud.straightLining.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.straightLining.explanation', {
        points: D.straightLining.points,
        questions: D.straightLining.minQuestions,
        share: pct(D.straightLining.sameAnswerFraction),
      });
    },
    fields: [
      points('straightLining', () => t('staff.admin.fraud.straightLining.signal')),
      {
        path: 'straightLining.minQuestions',
        get label() {
          return t('staff.admin.fraud.straightLining.minQuestions');
        },
        get hint() {
          return t('staff.admin.fraud.straightLining.minQuestionsHint');
        },
        integer: true,
        min: 2,
      },
      {
        path: 'straightLining.sameAnswerFraction',
        get label() {
          return t('staff.admin.fraud.straightLining.same');
        },
        get hint() {
          return t('staff.admin.fraud.straightLining.sameHint');
        },
        percent: true,
      },
    ],
  },
  {
    group: 'nearDuplicate',
    get legend() {
      return t('staff.admin.fraud.nearDuplicate.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.nearDuplicate.explanation', {
        points: D.nearDuplicate.points,
        share: pct(D.nearDuplicate.equalFraction),
        days: D.nearDuplicate.windowDays,
      });
    },
    fields: [
      points('nearDuplicate', () => t('staff.admin.fraud.nearDuplicate.signal')),
      {
        path: 'nearDuplicate.equalFraction',
        get label() {
          return t('staff.admin.fraud.nearDuplicate.equal');
        },
        get hint() {
          return t('staff.admin.fraud.nearDuplicate.equalHint');
        },
        percent: true,
      },
      {
        path: 'nearDuplicate.windowDays',
        get label() {
          return t('staff.admin.fraud.nearDuplicate.window');
        },
        min: 0.1,
      },
    ],
  },
  {
    group: 'offHours',
    get legend() {
      return t('staff.admin.fraud.offHours.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.offHours.explanation', {
        points: D.offHours.points,
        start: hour(D.offHours.startHourWat),
        end: hour(D.offHours.endHourWat),
      });
    },
    fields: [
      points('offHours', () => t('staff.admin.fraud.offHours.signal')),
      {
        path: 'offHours.startHourWat',
        get label() {
          return t('staff.admin.fraud.offHours.start');
        },
        get hint() {
          return t('staff.admin.fraud.offHours.startHint');
        },
        integer: true,
        min: 0,
        max: 23,
      },
      {
        path: 'offHours.endHourWat',
        get label() {
          return t('staff.admin.fraud.offHours.end');
        },
        get hint() {
          return t('staff.admin.fraud.offHours.endHint');
        },
        integer: true,
        min: 0,
        max: 23,
      },
    ],
  },
  {
    group: 'outOfArea',
    get legend() {
      return t('staff.admin.fraud.outOfArea.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.outOfArea.explanation', { points: D.outOfArea.points });
    },
    fields: [points('outOfArea', () => t('staff.admin.fraud.outOfArea.signal'))],
  },
  {
    group: 'samePhone',
    get legend() {
      return t('staff.admin.fraud.samePhone.legend');
    },
    get explanation() {
      return t('staff.admin.fraud.samePhone.explanation', {
        points: D.samePhone.points,
        count: D.samePhone.count,
        days: D.samePhone.windowDays,
      });
    },
    fields: [
      points('samePhone', () => t('staff.admin.fraud.samePhone.signal')),
      {
        path: 'samePhone.count',
        get label() {
          return t('staff.admin.fraud.samePhone.count');
        },
        get hint() {
          return t('staff.admin.fraud.samePhone.countHint');
        },
        integer: true,
        min: 2,
      },
      {
        path: 'samePhone.windowDays',
        get label() {
          return t('staff.admin.fraud.samePhone.window');
        },
        min: 0.1,
      },
    ],
  },
];

const BAND_NAMES = ['low', 'medium', 'high', 'critical'] as const;
type BandName = (typeof BAND_NAMES)[number];
/** A band's name in the active language, as it reads inside a sentence ("the medium band's"). */
const BAND_NAME: Record<BandName, () => string> = {
  low: () => t('staff.admin.fraud.band.low'),
  medium: () => t('staff.admin.fraud.band.medium'),
  high: () => t('staff.admin.fraud.band.high'),
  critical: () => t('staff.admin.fraud.band.critical'),
};
const BAND_LABEL: Record<BandName, () => string> = {
  low: () => t('staff.admin.fraud.bands.fromLow'),
  medium: () => t('staff.admin.fraud.bands.fromMedium'),
  high: () => t('staff.admin.fraud.bands.fromHigh'),
  critical: () => t('staff.admin.fraud.bands.fromCritical'),
};
export const BANDS: SectionDef = {
  group: 'bands',
  get legend() {
    return t('staff.admin.fraud.bands.legend');
  },
  get explanation() {
    return t('staff.admin.fraud.bands.explanation', {
      low: D.bands.low,
      medium: D.bands.medium,
      high: D.bands.high,
      critical: D.bands.critical,
    });
  },
  fields: BAND_NAMES.map((name) => ({
    path: `bands.${name}` as Path,
    get label() {
      return BAND_LABEL[name]();
    },
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
  if (!Number.isFinite(n))
    return { error: f.percent ? t('staff.admin.fraud.errPercent') : t('staff.admin.fraud.errNumber') };
  if (f.percent) {
    if (n < 0 || n > 100) return { error: t('staff.admin.fraud.errPercent') };
    return { value: Number((n / 100).toPrecision(12)) };
  }
  if (f.integer && !Number.isInteger(n)) return { error: t('staff.admin.fraud.errWhole') };
  if (f.max !== undefined && f.min !== undefined && (n < f.min || n > f.max)) {
    return { error: t('staff.admin.fraud.errRange', { min: f.min, max: f.max }) };
  }
  if (f.min !== undefined && n < f.min) return { error: t('staff.admin.fraud.errMin', { min: f.min }) };
  return { value: n };
}

export function parseForm(values: Values): { thresholds?: FraudThresholds; errors: Errors } {
  const errors: Errors = {};
  const out: Record<string, Record<string, number>> = {};
  for (const f of FIELDS) {
    const { value, error } = parseField(f, values[f.path]);
    if (error !== undefined || value === undefined) {
      errors[f.path] = error ?? t('staff.admin.fraud.errNumber');
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
        errors[path] = t('staff.admin.fraud.errBandOrder', { band: BAND_NAME[lower](), value: show(bands[lower]) });
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
