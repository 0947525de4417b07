import { METADATA_TYPES, type Answers, type AnswerValue, type GeoPoint, type Question } from './engine';

/** Nothing given: the key is left out of the answers object rather than stored empty. */
export function isEmptyAnswer(value: AnswerValue | undefined): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A copy of the answers with one answer set, or removed when it is empty. */
export function withAnswer(answers: Answers, name: string, value: AnswerValue | undefined): Answers {
  const next = { ...answers };
  if (isEmptyAnswer(value)) delete next[name];
  else next[name] = value as AnswerValue;
  return next;
}

export function isMetadata(question: Question): boolean {
  return (METADATA_TYPES as readonly string[]).includes(question.type);
}

/** Questions a person sees: not device metadata, and a calculation only when it has a label to show. */
export function isDisplayed(question: Question): boolean {
  if (isMetadata(question)) return false;
  if (question.type === 'calculate') return Boolean(question.label?.trim());
  return true;
}

export function asChoiceNames(value: AnswerValue | undefined): string[] {
  if (Array.isArray(value)) return value.filter((x): x is string => typeof x === 'string');
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return [];
}

export function asGeoPoint(value: AnswerValue | undefined): GeoPoint | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value) && 'lat' in value && 'lng' in value) return value;
  return undefined;
}

/** How a calculated (or read-only) value reads on screen. */
export function displayValue(value: AnswerValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return `${value.lat}, ${value.lng}`;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}

const DEVICE_KEY = 'oslrs.deviceId';
let memoryDeviceId: string | undefined;

function randomId(): string {
  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too (a LAN address).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A random id made once per browser and kept in localStorage (in memory when storage is refused). */
export function deviceId(): string {
  try {
    const stored = localStorage.getItem(DEVICE_KEY);
    if (stored) return stored;
    const made = randomId();
    localStorage.setItem(DEVICE_KEY, made);
    return made;
  } catch {
    memoryDeviceId ??= randomId();
    return memoryDeviceId;
  }
}
