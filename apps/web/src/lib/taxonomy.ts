/**
 * The registry's classifications in the reader's language: sectors and skills of the taxonomy, and
 * the values reports count by. The API sends codes and slugs (with English names, for partners and
 * exports); the words are the catalogue's area `taxonomy`, in its `app` part, which every page
 * that shows them loads (router: withAppText / withStaffText; taxonomy.test.ts checks it).
 *
 * Each falls back to the English the API sent, never to a catalogue id: a name the catalogue does
 * not know (a skill of another form) is shown as it came.
 */
import { breakdownTextId, sectorTextId, skillTextId, type ReportBreakdown } from '@oslrs/core';

type Translate = (id: string, values?: Record<string, unknown>) => string;

function known(t: Translate, id: string, fallback: string): string {
  const text = t(id);
  return text && text !== id ? text : fallback;
}

/** A sector's name (`code`: CON, DIG, … or `other`). */
export function sectorName(t: Translate, code: string, english?: string): string {
  return known(t, sectorTextId(code), english ?? code);
}

/** A skill's name (its slug: `tailoring`, …); an unknown slug is shown as words. */
export function skillName(t: Translate, slug: string, english?: string): string {
  return known(t, skillTextId(slug), english ?? slug.replace(/_/g, ' '));
}

/** A years-of-experience band's words (`less_1`, `1_3`, …). */
export function experienceName(t: Translate, band: string, english?: string): string {
  return known(t, `taxonomy.experience.${band}`, english ?? band.replace(/_/g, ' '));
}

/** A report row's label in the reader's language (the API's `label` is English; LGA names stay). */
export function breakdownRow<R extends { key: string; label: string }>(
  t: Translate,
  breakdown: ReportBreakdown,
  row: R,
): R {
  const id = breakdownTextId(breakdown, row.key);
  return id ? { ...row, label: known(t, id, row.label) } : row;
}
