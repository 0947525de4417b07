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
): string | null {
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
      return `straight-lining: ${top} of ${values.length} answers on list "${list}" are the same`;
    }
  }
  return null;
}

const IGNORED_TYPES = new Set(['start', 'end', 'deviceid', 'calculate', 'note']);

/** Share of compared fields with equal answers (the union of answered fields, metadata excluded). */
export function similarity(form: FormSchema, a: Record<string, unknown>, b: Record<string, unknown>): number {
  let compared = 0;
  let equal = 0;
  for (const section of form.sections) {
    for (const q of section.questions) {
      if (IGNORED_TYPES.has(q.type)) continue;
      const x = a[q.name];
      const y = b[q.name];
      if (x === undefined && y === undefined) continue;
      compared++;
      if (JSON.stringify(x) === JSON.stringify(y)) equal++;
    }
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
