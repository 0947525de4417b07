import type { Answers, FormSchema, InstanceState, Question } from './engine';
import { isEmptyAnswer, withAnswer } from './answers';

/**
 * What the renderer reads from the engine for one level of the form: the whole form (FormState) or
 * one instance of a repeat (InstanceState). Filters and repeats may be absent (none at that level).
 */
export type Level = Pick<InstanceState, 'values' | 'visibleQuestions' | 'required'> &
  Partial<Pick<InstanceState, 'choices' | 'repeats'>>;

export const isContainer = (q: Question): boolean => q.type === 'group' || q.type === 'repeat';

/** The answers of a repeat: one object per instance (anything else in the slot is dropped). */
export function instancesOf(value: unknown): Answers[] {
  if (!Array.isArray(value)) return [];
  return value.filter((x): x is Answers => typeof x === 'object' && x !== null && !Array.isArray(x));
}

/** Every question of the form, children of groups and repeats included, in form order. */
export function* allQuestions(questions: readonly Question[]): Generator<Question> {
  for (const q of questions) {
    yield q;
    if (q.questions) yield* allQuestions(q.questions);
  }
}

export function formQuestions(form: FormSchema): Question[] {
  return form.sections.flatMap((s) => [...allQuestions(s.questions)]);
}

/** The questions whose answers sit at the top of the answers object (groups' children; repeats whole). */
export function answerQuestions(form: FormSchema): Question[] {
  return form.sections.flatMap((s) => [...levelQuestions(s.questions)]);
}

/** The questions answered at one level: through groups, not into repeats (a repeat is one answer). */
export function* levelQuestions(questions: readonly Question[]): Generator<Question> {
  for (const q of questions) {
    yield q;
    if (q.type === 'group' && q.questions) yield* levelQuestions(q.questions);
  }
}

/**
 * The answers made to agree with what the engine says about them: a repeat with a fixed count has
 * exactly that many instances, and a select with a choice filter keeps only choices still offered.
 * Returns `answers` itself when nothing changes (so it can run after every evaluation).
 */
export function reconcile(questions: readonly Question[], answers: Answers, level: Level): Answers {
  let next = answers;
  for (const q of levelQuestions(questions)) {
    const offered = level.choices?.[q.name];
    if (offered && (q.type === 'select_one' || q.type === 'select_multiple')) {
      const value = next[q.name];
      if (isEmptyAnswer(value)) continue;
      if (Array.isArray(value)) {
        const kept = value.filter((v) => typeof v === 'string' && offered.includes(v)) as string[];
        if (kept.length !== value.length) next = withAnswer(next, q.name, kept);
      } else if (!offered.includes(String(value))) {
        next = withAnswer(next, q.name, undefined);
      }
    }
    const repeat = q.type === 'repeat' ? level.repeats?.[q.name] : undefined;
    if (!repeat) continue;
    const instances = instancesOf(next[q.name]);
    let changed = false;
    let sized = instances;
    if (repeat.count !== null && instances.length !== repeat.count) {
      sized = Array.from({ length: repeat.count }, (_, i) => instances[i] ?? {});
      changed = true;
    }
    const inner = sized.map((instance, i) => {
      const state = repeat.instances[i];
      const fixed = state ? reconcile(q.questions ?? [], instance, state) : instance;
      if (fixed !== instance) changed = true;
      return fixed;
    });
    if (changed) next = withAnswer(next, q.name, inner);
  }
  return next;
}
