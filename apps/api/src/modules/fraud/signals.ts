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
 * Two answers are equal when their JSON is (lists and objects compared whole). A survey's compared
 * answers are read once into a kind and a value per question — the value itself for a string, a
 * boolean or a finite number, its JSON for anything else — so that two answers are equal exactly when
 * their kinds and values are (`===`). The kinds keep the JSON texts apart: a string's starts with a
 * quote, a finite number's is a number, the rest are objects, lists or null.
 */
const NONE = 0;
const STRING = 1;
const BOOLEAN = 2;
const NUMBER = 3;
const JSON_TEXT = 4;
interface Shape {
  names: string[];
  kinds: Uint8Array;
  values: unknown[];
}

/**
 * Each answers object's shape, read once: a survey is compared with each of its collector's next
 * ~50 surveys (the worker keeps recent ones: SubmissionRepository.historyRows). Answers are raw content
 * and never change once received, so the shape of an object stays true.
 */
const shapes = new WeakMap<Record<string, unknown>, Shape>();
function shapeOf(form: FormSchema, answers: Record<string, unknown>): Shape {
  const names = namesOf(form);
  const known = shapes.get(answers);
  if (known && known.names === names) return known;
  const kinds = new Uint8Array(names.length);
  const values: unknown[] = new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const v = answers[names[i]!];
    const t = typeof v;
    kinds[i] =
      v === undefined
        ? NONE
        : t === 'string'
          ? STRING
          : t === 'boolean'
            ? BOOLEAN
            : t === 'number' && Number.isFinite(v)
              ? NUMBER
              : JSON_TEXT;
    values[i] = kinds[i] === JSON_TEXT ? JSON.stringify(v) : v;
  }
  const shape = { names, kinds, values };
  shapes.set(answers, shape);
  return shape;
}

/** Share of compared fields with equal answers (the union of answered fields, metadata excluded). */
export function similarity(form: FormSchema, a: Record<string, unknown>, b: Record<string, unknown>): number {
  const x = shapeOf(form, a);
  const y = shapeOf(form, b);
  let compared = 0;
  let equal = 0;
  for (let i = 0; i < x.kinds.length; i++) {
    const kind = x.kinds[i];
    if (kind === NONE && y.kinds[i] === NONE) continue;
    compared++;
    if (kind === y.kinds[i] && x.values[i] === y.values[i]) equal++;
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
