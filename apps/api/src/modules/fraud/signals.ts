import type { FormSchema, FraudThresholds } from '@oslrs/core';

/** A point on the map as stored with a submission. */
export interface Fix {
  lat: number;
  lng: number;
  at: Date;
}

export function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** West Africa Time is UTC+1 all year. */
export function watHour(at: Date): number {
  return (at.getUTCHours() + 1) % 24;
}

export function isOffHours(at: Date, t: FraudThresholds['offHours']): boolean {
  const h = watHour(at);
  return t.startHourWat > t.endHourWat
    ? h >= t.startHourWat || h < t.endHourWat
    : h >= t.startHourWat && h < t.endHourWat;
}

/** ≥ minQuestions select_one answers on one choice list with ≥ sameAnswerFraction the same answer. */
export function straightLined(
  form: FormSchema,
  answers: Record<string, unknown>,
  t: FraudThresholds['straightLining'],
): { same: number; total: number; list: string } | null {
  const byList = new Map<string, string[]>();
  for (const section of form.sections) {
    for (const q of section.questions) {
      if (q.type !== 'select_one' || !q.choiceList) continue;
      const v = answers[q.name];
      if (typeof v !== 'string' || !v) continue;
      byList.set(q.choiceList, [...(byList.get(q.choiceList) ?? []), v]);
    }
  }
  for (const [list, values] of byList) {
    if (values.length < t.minQuestions) continue;
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const top = Math.max(...counts.values());
    if (top / values.length >= t.sameAnswerFraction) {
      return { same: top, total: values.length, list };
    }
  }
  return null;
}

const IGNORED_TYPES = new Set(['start', 'end', 'deviceid', 'calculate', 'note']);

/** The names of a form's questions that similarity compares (metadata, notes and calculations left out). */
const comparedNames = new WeakMap<FormSchema, string[]>();
function namesOf(form: FormSchema): string[] {
  let names = comparedNames.get(form);
  if (!names) {
    names = form.sections.flatMap((s) => s.questions.filter((q) => !IGNORED_TYPES.has(q.type)).map((q) => q.name));
    comparedNames.set(form, names);
  }
  return names;
}

/**
 * Two answers are equal when their JSON is (lists and objects compared whole). The common shapes —
 * identical values; differing strings, booleans or finite numbers; lists of strings — are decided
 * without serialising either.
 */
function sameAnswer(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  const tx = typeof x;
  if (tx === typeof y) {
    if (tx === 'string' || tx === 'boolean') return false;
    if (tx === 'number' && Number.isFinite(x) && Number.isFinite(y)) return false;
    if (Array.isArray(x) && Array.isArray(y) && strings(x) && strings(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    }
  } else if (tx === 'undefined' || typeof y === 'undefined') return false;
  return JSON.stringify(x) === JSON.stringify(y);
}
const strings = (xs: unknown[]) => xs.every((v) => typeof v === 'string');

/** Share of compared fields with equal answers (the union of answered fields, metadata excluded). */
export function similarity(form: FormSchema, a: Record<string, unknown>, b: Record<string, unknown>): number {
  let compared = 0;
  let equal = 0;
  for (const name of namesOf(form)) {
    const x = a[name];
    const y = b[name];
    if (x === undefined && y === undefined) continue;
    compared++;
    if (sameAnswer(x, y)) equal++;
  }
  return compared ? equal / compared : 0;
}

export function band(score: number, b: FraudThresholds['bands']): string {
  if (score >= b.critical) return 'critical';
  if (score >= b.high) return 'high';
  if (score >= b.medium) return 'medium';
  if (score >= b.low) return 'low';
  return 'clean';
}
