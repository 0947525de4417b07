/**
 * A fraud signal as a code with its numbers (what pages word in the reader's language:
 * `staff.fraud.signal.<code>`), and the English sentence stored with the survey (`fraud_reasons`, the
 * record as it was written, never rewritten). Scoring builds signals and stores their sentences;
 * reading turns the stored sentences back into signals, so surveys scored before signals existed
 * are worded the same way. A sentence that is not one of these (hand-made, an older wording) comes
 * back as `text`, shown as it was stored.
 */
import type { FraudSignal, FraudSignalCode } from '@oslrs/core';

type Params = FraudSignal['params'];
type Code = Exclude<FraudSignalCode, 'text'>;

const N = '(-?\\d+(?:\\.\\d+)?)';
const num = (s: string) => Number(s);

/** Each signal's sentence and how to read it back (the sentences are those stored since scoring began). */
const FORMATS: Record<Code, { write: (p: Params) => string; read: RegExp; names: string[] }> = {
  gps_accuracy: {
    write: (p) => `gps: GPS accuracy ${p.accuracy} m is worse than ${p.max} m`,
    read: new RegExp(`^gps: GPS accuracy ${N} m is worse than ${N} m$`),
    names: ['accuracy', 'max'],
  },
  gps_cluster: {
    write: (p) => `gps: ${p.count} surveys within ${p.radius} m in ${p.hours} h`,
    read: new RegExp(`^gps: ${N} surveys within ${N} m in ${N} h$`),
    names: ['count', 'radius', 'hours'],
  },
  gps_speed: {
    write: (p) => `gps: moved at ${p.kmh} km/h since the previous survey`,
    read: new RegExp(`^gps: moved at ${N} km/h since the previous survey$`),
    names: ['kmh'],
  },
  gps_other_collector: {
    write: (p) => `gps: within ${p.radius} m of another collector's survey the same day`,
    read: new RegExp(`^gps: within ${N} m of another collector's survey the same day$`),
    names: ['radius'],
  },
  speed_run_median: {
    write: (p) => `speed-run: ${p.seconds} s against a median of ${p.median} s`,
    read: new RegExp(`^speed-run: ${N} s against a median of ${N} s$`),
    names: ['seconds', 'median'],
  },
  speed_run_floor: {
    write: (p) => `speed-run: ${p.seconds} s for ${p.answers} answers`,
    read: new RegExp(`^speed-run: ${N} s for ${N} answers$`),
    names: ['seconds', 'answers'],
  },
  straight_lining: {
    write: (p) => `straight-lining: ${p.same} of ${p.total} answers on list "${p.list}" are the same`,
    read: new RegExp(`^straight-lining: ${N} of ${N} answers on list "(.*)" are the same$`),
    names: ['same', 'total', 'list'],
  },
  near_duplicate: {
    write: (p) => `near-duplicate: ${p.percent} % of answers equal another recent survey by the same collector`,
    read: new RegExp(`^near-duplicate: ${N} % of answers equal another recent survey by the same collector$`),
    names: ['percent'],
  },
  out_of_area: {
    write: (p) => `out-of-area: respondent in ${p.lga}, enumerator assigned to ${p.assigned}`,
    read: /^out-of-area: respondent in ([a-z0-9_]+), enumerator assigned to ([a-z0-9_]+)$/,
    names: ['lga', 'assigned'],
  },
  off_hours: {
    write: (p) => `off-hours: completed at ${p.time} WAT`,
    read: /^off-hours: completed at (\d{2}:\d{2}) WAT$/,
    names: ['time'],
  },
  same_phone: {
    write: (p) => `same phone: ${p.count} registrations gave this phone number within ${p.days} days`,
    read: new RegExp(`^same phone: ${N} registrations gave this phone number within ${N} days$`),
    names: ['count', 'days'],
  },
};

/** Params that stay words (names and times); every other one is a number. */
const WORDS = new Set(['list', 'lga', 'assigned', 'time']);

/** A signal with its numbers. */
export function signal(code: Code, params: Params): FraudSignal {
  return { code, params };
}

/** The English sentence stored for a signal. */
export function reasonText(s: FraudSignal): string {
  if (s.code === 'text') return String(s.params.text ?? '');
  return FORMATS[s.code].write(s.params);
}

/** A stored sentence as its signal; one that is not a known sentence is `text`. */
export function signalOf(reason: string): FraudSignal {
  for (const [code, format] of Object.entries(FORMATS) as [Code, (typeof FORMATS)[Code]][]) {
    const m = format.read.exec(reason);
    if (!m) continue;
    const params: Params = {};
    format.names.forEach((name, i) => {
      params[name] = WORDS.has(name) ? m[i + 1]! : num(m[i + 1]!);
    });
    return { code, params };
  }
  return { code: 'text', params: { text: reason } };
}

/** A stored score's reasons (`fraud_reasons`) with their signals, as the API shows them. */
export function fraudSummary(score: number, band: string, stored: unknown) {
  const reasons = Array.isArray(stored) ? stored.filter((r): r is string => typeof r === 'string') : [];
  return { score, band, reasons, signals: reasons.map(signalOf) };
}
