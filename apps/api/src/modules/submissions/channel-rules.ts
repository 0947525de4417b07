import type { FieldError, FormSchema, Question } from '@oslrs/core';

/**
 * What a channel may leave unanswered. A clerk types paper forms in at a desk, where no GPS fix means
 * anything: geopoint questions are not applicable on the clerk channel (the clerk's page does not show
 * them), so a required one missing there is not an error.
 */
const geopoints = new WeakMap<FormSchema, ReadonlySet<string>>();

function geopointNames(form: FormSchema): ReadonlySet<string> {
  let names = geopoints.get(form);
  if (!names) {
    const found = new Set<string>();
    const walk = (qs: readonly Question[]) => {
      for (const q of qs) {
        if (q.type === 'geopoint') found.add(q.name);
        if (q.questions) walk(q.questions);
      }
    };
    for (const s of form.sections) walk(s.questions);
    geopoints.set(form, (names = found));
  }
  return names;
}

/** The question an error is about, inside repeats too: `household[2].gps` → `gps`. */
const leaf = (field: string) => /([^.\]]+)$/.exec(field)?.[1] ?? field;

/** Whether `error` does not count on `channel` (a missing location on the clerk's desk). */
export function waivedOnChannel(form: FormSchema, channel: string, error: Pick<FieldError, 'field' | 'code'>): boolean {
  return channel === 'clerk' && error.code === 'REQUIRED' && geopointNames(form).has(leaf(error.field));
}
