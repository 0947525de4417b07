import type { ReactNode } from 'react';
import { isDisplayed } from './answers';
import type { CompiledForm, FormSchema, Question, Section } from './engine';

/** One question in the order a person meets it, with the section it belongs to. */
export interface Screen {
  section: Section;
  question: Question;
}

/**
 * The questions to show now, in order: those in visible sections that the engine shows (a
 * calculation once it has a value), less the ones answered elsewhere unless they bring extra controls.
 */
export function visibleScreens(
  form: FormSchema,
  evaluation: ReturnType<CompiledForm['evaluate']>,
  hiddenQuestions: ReadonlySet<string> | undefined,
  renderExtra: ((question: Question) => ReactNode) | undefined,
): Screen[] {
  return form.sections.flatMap((section) =>
    evaluation.visibleSections.has(section.name)
      ? section.questions
          .filter(
            (q) =>
              isDisplayed(q) &&
              // The engine never lists calculations as visible; a relevant one has a value.
              (q.type === 'calculate'
                ? Object.hasOwn(evaluation.values, q.name)
                : evaluation.visibleQuestions.has(q.name)) &&
              (!hiddenQuestions?.has(q.name) || renderExtra?.(q) != null),
          )
          .map((question) => ({ section, question }))
      : [],
  );
}
