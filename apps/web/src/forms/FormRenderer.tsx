import {
  useEffect,
  useEffectEvent,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useMediaQuery } from '../lib/useMediaQuery';
import { deviceId, isEmptyAnswer, withAnswer } from './answers';
import { AnswerSummary, FormCannotShow } from './FormAlerts';
import {
  compileForm,
  type Answers,
  type AnswerValue,
  type CompiledForm,
  type FormSchema,
  type Question,
} from './engine';
import { QuestionField } from './QuestionField';
import { visibleScreens, type Screen } from './screens';

/**
 * 'paged': one question per screen with Back/Next (phones); 'full': every visible question on one
 * page, grouped by section (desktops); 'auto': paged below 768 px, full above.
 */
export type RendererMode = 'auto' | 'paged' | 'full';

/** Where a paged form is: the question shown (by name) and its place in the list of visible questions. */
export interface RendererPosition {
  name?: string;
  index: number;
}

export interface FormRendererProps {
  form: FormSchema;
  answers: Answers;
  /** Every change, with empty answers removed. */
  onChange: (answers: Answers) => void;
  /**
   * Called once the engine finds no errors, with the final answers (the `end` time filled in) and
   * the engine's values (calculations filled in, answers to questions now hidden left out).
   */
  onComplete?: (answers: Answers, values: Answers) => void;
  mode?: RendererMode;
  /** The last button's text. */
  completeLabel?: string;
  /**
   * Questions answered elsewhere (an earlier step of a wizard): not shown, and their errors do not
   * hold the form back. What `renderExtra` gives for one of them is still shown in its place.
   */
  hiddenQuestions?: ReadonlySet<string>;
  /** More controls shown after a question's field (a "Check" button, a "not at hand" box). */
  renderExtra?: (question: Question) => ReactNode;
  /** The question to open at in paged mode (the caller moves focus to it). */
  initialQuestion?: string;
  /**
   * Paged mode's current question, when the caller owns it (with onPositionChange): e.g. saved with
   * a draft after every move, so a reload resumes at the same question. Without it the renderer keeps its own.
   */
  position?: RendererPosition;
  onPositionChange?: (position: RendererPosition) => void;
}

/**
 * Shows a questionnaire and collects its answers. What is shown, what is required, what is wrong
 * and what is calculated all come from the engine (compileForm → evaluate/validate): the renderer
 * only decides how it looks.
 */
export function FormRenderer(props: FormRendererProps) {
  const compiled = useMemo((): { ok: true; form: CompiledForm } | { ok: false; error: unknown } => {
    try {
      return { ok: true, form: compileForm(props.form) };
    } catch (error) {
      return { ok: false, error };
    }
  }, [props.form]);
  if (!compiled.ok) {
    return <FormCannotShow error={compiled.error} />;
  }
  return <CompiledRenderer {...props} compiled={compiled.form} />;
}

function CompiledRenderer({
  form,
  compiled,
  answers,
  onChange,
  onComplete,
  mode = 'auto',
  completeLabel = 'Submit',
  hiddenQuestions,
  renderExtra,
  initialQuestion,
  position: controlledPosition,
  onPositionChange,
}: FormRendererProps & { compiled: CompiledForm }) {
  const prefix = useId();
  const wide = useMediaQuery('(min-width: 48rem)');
  const paged = mode === 'paged' || (mode === 'auto' && !wide);

  const evaluation = useMemo(() => compiled.evaluate(answers), [compiled, answers]);
  const validation = useMemo(() => compiled.validate(answers), [compiled, answers]);
  /** The first error per question name. */
  const errors = useMemo(() => {
    const map = new Map<string, string>();
    for (const error of validation.errors)
      if (!map.has(error.field) && !hiddenQuestions?.has(error.field)) map.set(error.field, error.message);
    return map;
  }, [validation, hiddenQuestions]);

  const screens = useMemo(
    () => visibleScreens(form, evaluation, hiddenQuestions, renderExtra),
    [form, evaluation, hiddenQuestions, renderExtra],
  );

  // Errors are shown for a question once it has been answered and left, or a choice made, and for
  // every question after an attempt to go on; from then on they follow the answer as it changes.
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const changed = useRef(new Set<string>());
  const [summary, setSummary] = useState<string[] | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  function show(...names: string[]) {
    setShown((prev) => (names.every((n) => prev.has(n)) ? prev : new Set([...prev, ...names])));
  }
  function errorFor(name: string): string | undefined {
    return showAll || shown.has(name) ? errors.get(name) : undefined;
  }

  const questionId = (name: string) => `${prefix}q-${name}`;
  function focusQuestion(name: string) {
    requestAnimationFrame(() => {
      const wrap = document.getElementById(`${questionId(name)}-wrap`);
      const target =
        wrap?.querySelector<HTMLElement>('input:checked') ??
        wrap?.querySelector<HTMLElement>('input, select, textarea, button');
      target?.focus();
    });
  }

  // Device metadata: `start` when the form is first shown, the device id from this browser.
  const fillMetadata = useEffectEvent(() => {
    let next = answers;
    for (const section of form.sections) {
      for (const q of section.questions) {
        if (!isEmptyAnswer(next[q.name])) continue;
        if (q.type === 'start') next = withAnswer(next, q.name, new Date().toISOString());
        if (q.type === 'deviceid') next = withAnswer(next, q.name, deviceId());
      }
    }
    if (next !== answers) onChange(next);
  });
  useEffect(() => fillMetadata(), [form]);

  function setValue(name: string, value: AnswerValue | undefined, settled: boolean) {
    changed.current.add(name);
    if (settled) show(name);
    onChange(withAnswer(answers, name, value));
  }

  function complete() {
    const result = compiled.validate(answers);
    const blocking = result.errors.filter((e) => !hiddenQuestions?.has(e.field));
    if (blocking.length > 0) {
      setShowAll(true);
      const names = blocking.map((e) => e.field);
      show(...names);
      const first = screens.find((s) => names.includes(s.question.name));
      if (paged && first) {
        goTo(first.question.name);
      } else {
        setSummary(names);
        requestAnimationFrame(() => summaryRef.current?.focus());
      }
      return;
    }
    setSummary(null);
    let final = answers;
    for (const section of form.sections) {
      for (const q of section.questions)
        if (q.type === 'end') final = withAnswer(final, q.name, new Date().toISOString());
    }
    if (final !== answers) onChange(final);
    onComplete?.(final, compiled.validate(final).values);
  }

  // ---- one question per screen ----
  const [ownPosition, setOwnPosition] = useState<RendererPosition>({ name: initialQuestion, index: 0 });
  const position = controlledPosition ?? ownPosition;
  function setPosition(next: RendererPosition) {
    if (controlledPosition === undefined) setOwnPosition(next);
    onPositionChange?.(next);
  }
  const found = screens.findIndex((s) => s.question.name === position.name);
  // A question hidden by a changed answer: stay at the same place in the list.
  const index = found >= 0 ? found : Math.max(0, Math.min(position.index, screens.length - 1));
  const screen = screens[index];

  function goTo(name: string) {
    const i = screens.findIndex((s) => s.question.name === name);
    setPosition({ name, index: Math.max(0, i) });
    focusQuestion(name);
  }

  function next() {
    if (!screen) {
      if (onComplete) complete();
      return;
    }
    const name = screen.question.name;
    if (errors.has(name)) {
      show(name);
      focusQuestion(name);
      return;
    }
    const following = screens[index + 1];
    if (following) goTo(following.question.name);
    else if (onComplete) complete();
  }

  function back() {
    const previous = screens[index - 1];
    if (previous) goTo(previous.question.name);
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    // Enter = Next, from any answer control (radios, checkboxes and drop-downs do not submit by themselves).
    if (event.key !== 'Enter' || event.defaultPrevented || event.shiftKey || event.altKey || event.ctrlKey) return;
    const target = event.target as HTMLElement;
    if (target instanceof HTMLSelectElement || target instanceof HTMLInputElement) {
      event.preventDefault();
      next();
    }
  }

  function field(s: Screen, large: boolean): ReactNode {
    const q = s.question;
    const extra = renderExtra?.(q);
    if (hiddenQuestions?.has(q.name)) {
      return (
        <div key={q.name} id={`${questionId(q.name)}-wrap`} data-question={q.name}>
          {extra}
        </div>
      );
    }
    const control = (
      <QuestionField
        key={q.name}
        question={q}
        choices={q.choiceList ? (form.choiceLists[q.choiceList] ?? []) : []}
        id={questionId(q.name)}
        value={answers[q.name]}
        computed={evaluation.values[q.name]}
        required={evaluation.required.has(q.name)}
        error={errorFor(q.name)}
        large={large}
        onValue={(value, settled) => setValue(q.name, value, settled)}
        onLeave={() => {
          if (changed.current.has(q.name)) show(q.name);
        }}
      />
    );
    if (extra == null) return control;
    return (
      <div key={q.name} className="space-y-3">
        {control}
        {extra}
      </div>
    );
  }

  if (paged) {
    const isLast = index >= screens.length - 1;
    return (
      <form
        noValidate
        onKeyDown={onKeyDown}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          next();
        }}
        className="space-y-6"
      >
        {screen ? (
          <>
            <div>
              <p id={`${prefix}progress`} className="text-sm font-semibold text-stone-800">
                Question {index + 1} of {screens.length}
              </p>
              <progress aria-labelledby={`${prefix}progress`} className="mt-1" max={screens.length} value={index + 1} />
            </div>
            {screen.section.label && <p className="text-sm text-stone-700">{screen.section.label}</p>}
            {field(screen, true)}
          </>
        ) : (
          <p className="text-stone-800">There are no questions to answer.</p>
        )}
        <div className="flex items-center justify-between gap-3">
          {index > 0 ? (
            <button type="button" className="btn-secondary" onClick={back}>
              Back
            </button>
          ) : (
            <span />
          )}
          {(!isLast || onComplete) && (
            <button type="submit" className="btn-primary">
              {isLast ? completeLabel : 'Next'}
            </button>
          )}
        </div>
      </form>
    );
  }

  // ---- the whole form on one page ----
  const anyRequired = screens.some((s) => evaluation.required.has(s.question.name));
  const summaryItems = (summary ?? []).filter((name) => errors.has(name));
  return (
    <form
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (onComplete) complete();
      }}
      className="space-y-6"
    >
      {summaryItems.length > 0 && (
        <AnswerSummary
          ref={summaryRef}
          items={summaryItems.map((name) => ({
            name,
            question: screens.find((s) => s.question.name === name)?.question,
            error: errors.get(name),
          }))}
          href={(name) => `#${questionId(name)}`}
          onPick={focusQuestion}
        />
      )}
      {anyRequired && (
        <p className="text-sm text-stone-700">
          Questions marked <span className="font-semibold text-red-700">*</span> must be answered.
        </p>
      )}
      {form.sections.map((section) => {
        const inSection = screens.filter((s) => s.section === section);
        if (inSection.length === 0) return null;
        const body = <div className="clear-left space-y-6">{inSection.map((s) => field(s, false))}</div>;
        return section.label ? (
          <fieldset key={section.name} className="card">
            <legend className="float-left mb-4 w-full text-xl font-bold text-stone-900">{section.label}</legend>
            {body}
          </fieldset>
        ) : (
          <div key={section.name} className="card">
            {body}
          </div>
        );
      })}
      {screens.length === 0 && <p className="text-stone-800">There are no questions to answer.</p>}
      {onComplete && (
        <button type="submit" className="btn-primary">
          {completeLabel}
        </button>
      )}
    </form>
  );
}
