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
import { useOptionalUser } from '../auth/AuthContext';
import { useT } from '../i18n';
import { useMediaQuery } from '../lib/useMediaQuery';
import { deviceId, isEmptyAnswer, withAnswer } from './answers';
import { GroupBox, RepeatBox } from './Containers';
import { AnswerSummary, FormCannotShow } from './FormAlerts';
import {
  compileForm,
  type Answers,
  type AnswerValue,
  type CompiledForm,
  type FormSchema,
  type Question,
} from './engine';
import { allQuestions, instancesOf, levelQuestions, reconcile, type Level } from './level';
import { labelText, QuestionField } from './QuestionField';
import { errorLeaf, errorRoot, formStructure, isShown, progressAt, visibleItems, visibleScreens } from './screens';
import { formLanguageFor, formLanguages, initialLanguage, savedLanguage, saveLanguage, translator } from './translate';

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
  /** Full mode on a wide screen: questions in two columns, as on a paper form (groups, repeats and notes span both). */
  columns?: 1 | 2;
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

/** One level of answers being shown: the whole form, or one instance of a repeat. */
interface Scope {
  level: Level;
  answers: Answers;
  /** Prefix of the names of its questions' errors: '' at the top, `household[2].` in an instance. */
  path: string;
  update: (change: (answers: Answers) => Answers) => void;
}

const NO_LEVEL: Level = { values: {}, visibleQuestions: new Set(), required: new Set() };

/** In two columns, what needs the full width: groups, repeats, notes and long text. */
function spansBoth(q: Question): boolean {
  return ['group', 'repeat', 'note', 'geopoint', 'image', 'audio', 'video', 'file'].includes(q.type);
}

/** A local date as the `today` metadata and `today()` give it. */
function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function CompiledRenderer({
  form,
  compiled,
  answers,
  onChange,
  onComplete,
  mode = 'auto',
  completeLabel,
  hiddenQuestions,
  renderExtra,
  initialQuestion,
  position: controlledPosition,
  onPositionChange,
  columns = 1,
}: FormRendererProps & { compiled: CompiledForm }) {
  const { t, locale, number } = useT();
  const prefix = useId();
  const wide = useMediaQuery('(min-width: 48rem)');
  const paged = mode === 'paged' || (mode === 'auto' && !wide);
  const user = useOptionalUser();

  const languages = formLanguages(form);
  // The app's language leads: a form with text in it opens in it (the form's own switch still works).
  const [language, setLanguage] = useState(
    () => formLanguageFor(form, locale) ?? initialLanguage(form, savedLanguage()),
  );
  // When the app's language changes, the form follows it (if it has text in it).
  const [seenLocale, setSeenLocale] = useState(locale);
  if (seenLocale !== locale) {
    setSeenLocale(locale);
    const match = formLanguageFor(form, locale);
    if (match) setLanguage(match);
  }
  const ft = useMemo(() => translator(form, language, t), [form, language, t]);
  const structure = useMemo(() => formStructure(form), [form]);
  const questionByName = compiled.questionByName;
  const topQuestions = useMemo(() => form.sections.flatMap((s) => s.questions), [form]);

  const evaluation = useMemo(() => compiled.evaluate(answers), [compiled, answers]);
  const validation = useMemo(() => compiled.validate(answers), [compiled, answers]);
  /** The first error per answer (`name`, or `repeat[n].name` inside a repeat), in the form's language. */
  const errors = useMemo(() => {
    const map = new Map<string, string>();
    for (const error of validation.errors)
      if (!map.has(error.field) && !hiddenQuestions?.has(errorRoot(error.field)))
        map.set(error.field, ft.message(questionByName.get(errorLeaf(error.field)), error));
    return map;
  }, [validation, hiddenQuestions, ft, questionByName]);

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
  function errorFor(key: string): string | undefined {
    return showAll || shown.has(key) ? errors.get(key) : undefined;
  }

  const questionId = (key: string) => `${prefix}q-${key.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  /** Focus a question's control (by answer key), or else the first control of the screen. */
  function focusQuestion(key: string) {
    requestAnimationFrame(() => {
      const wrap = document.getElementById(`${questionId(key)}-wrap`) ?? document.getElementById(`${prefix}screen`);
      const target =
        wrap?.querySelector<HTMLElement>('input:checked') ??
        wrap?.querySelector<HTMLElement>('input, select, textarea, button');
      target?.focus();
    });
  }

  // Device metadata when the form is first shown: `start`, `today`, the device id from this browser,
  // the signed-in person as `username`. (`phonenumber`: a browser cannot know it, left empty.)
  const fillMetadata = useEffectEvent(() => {
    let next = answers;
    const now = new Date();
    const username = user ? user.fullName || user.email : undefined;
    for (const q of levelQuestions(topQuestions)) {
      if (!isEmptyAnswer(next[q.name])) continue;
      if (q.type === 'start') next = withAnswer(next, q.name, now.toISOString());
      if (q.type === 'today') next = withAnswer(next, q.name, localDate(now));
      if (q.type === 'deviceid') next = withAnswer(next, q.name, deviceId());
      if (q.type === 'username' && username) next = withAnswer(next, q.name, username);
    }
    if (next !== answers) onChange(next);
  });
  useEffect(() => fillMetadata(), [form]);

  // Repeats with a fixed count get that many instances; a filtered select loses a choice no longer offered.
  const reconcileAnswers = useEffectEvent(() => {
    const next = reconcile(topQuestions, answers, evaluation);
    if (next !== answers) onChange(next);
  });
  useEffect(() => reconcileAnswers(), [evaluation]);

  function chooseLanguage(next: string) {
    setLanguage(next);
    saveLanguage(next);
  }

  const top: Scope = { level: evaluation, answers, path: '', update: (change) => onChange(change(answers)) };

  function setValue(scope: Scope, name: string, value: AnswerValue | undefined, settled: boolean) {
    const key = scope.path + name;
    changed.current.add(key);
    if (settled) show(key);
    scope.update((a) => withAnswer(a, name, value));
  }

  function complete() {
    const result = compiled.validate(answers);
    const blocking = result.errors.filter((e) => !hiddenQuestions?.has(errorRoot(e.field)));
    if (blocking.length > 0) {
      setShowAll(true);
      const names = blocking.map((e) => e.field);
      show(...names);
      const first = screens.find((s) => names.some((n) => s.names.has(errorRoot(n))));
      if (paged && first) {
        goTo(
          first.key,
          names.find((n) => first.names.has(errorRoot(n))),
        );
      } else {
        setSummary(names);
        requestAnimationFrame(() => summaryRef.current?.focus());
      }
      return;
    }
    setSummary(null);
    let final = answers;
    for (const q of levelQuestions(topQuestions))
      if (q.type === 'end') final = withAnswer(final, q.name, new Date().toISOString());
    if (final !== answers) onChange(final);
    onComplete?.(final, compiled.validate(final).values);
  }

  // ---- one screen at a time ----
  const [ownPosition, setOwnPosition] = useState<RendererPosition>({ name: initialQuestion, index: 0 });
  const position = controlledPosition ?? ownPosition;
  function setPosition(next: RendererPosition) {
    if (controlledPosition === undefined) setOwnPosition(next);
    onPositionChange?.(next);
  }
  const found = position.name === undefined ? -1 : screens.findIndex((s) => s.names.has(position.name!));
  // A question hidden by a changed answer: stay at the same place in the list.
  const index = found >= 0 ? found : Math.max(0, Math.min(position.index, screens.length - 1));
  const screen = screens[index];

  /** Go to the screen holding question `name`, focusing `focus` (an answer key) or the screen's first control. */
  function goTo(name: string, focus?: string) {
    const i = screens.findIndex((s) => s.names.has(name));
    const key = screens[i]?.key ?? name;
    setPosition({ name: key, index: Math.max(0, i) });
    focusQuestion(focus ?? (screens[i]?.items.length === 1 ? screens[i]!.items[0]!.name : key));
  }

  function next() {
    if (!screen) {
      if (onComplete) complete();
      return;
    }
    const wrong = [...errors.keys()].filter((field) => screen.names.has(errorRoot(field)));
    if (wrong.length > 0) {
      show(...wrong);
      focusQuestion(wrong[0]!);
      return;
    }
    const following = screens[index + 1];
    if (following) goTo(following.key);
    else if (onComplete) complete();
  }

  function back() {
    const previous = screens[index - 1];
    if (previous) goTo(previous.key);
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

  /** The choices a select offers at this level: its list, less what its choice filter leaves out. */
  function choicesFor(q: Question, level: Level) {
    const list = ft.choices(q.choiceList ? (form.choiceLists[q.choiceList] ?? []) : []);
    const offered = level.choices?.[q.name];
    if (!offered) return list;
    const keep = new Set(offered);
    return list.filter((c) => keep.has(c.name));
  }

  function repeat(q: Question, scope: Scope): ReactNode {
    const state = scope.level.repeats?.[q.name];
    const fixed = state ? state.count : null;
    const stored = instancesOf(scope.answers[q.name]);
    const id = questionId(scope.path + q.name);
    const change = (fn: (instances: Answers[]) => Answers[]) =>
      scope.update((a) => withAnswer(a, q.name, fn(instancesOf(a[q.name]))));
    const bodies = Array.from({ length: fixed ?? stored.length }, (_, i) => {
      const inner: Scope = {
        level: state?.instances[i] ?? NO_LEVEL,
        answers: stored[i] ?? {},
        path: `${scope.path}${q.name}[${i + 1}].`,
        update: (fn) =>
          change((list) =>
            Array.from({ length: Math.max(list.length, i + 1) }, (_, j) =>
              j === i ? fn(list[j] ?? {}) : (list[j] ?? {}),
            ),
          ),
      };
      return (q.questions ?? []).filter((c) => isShown(c, inner.level)).map((c) => item(c, inner, false));
    });
    return (
      <RepeatBox
        key={q.name}
        question={ft.question(q)}
        id={id}
        instances={bodies}
        fixed={fixed !== null}
        onAdd={() => {
          change((list) => [...list, {}]);
          requestAnimationFrame(() =>
            document
              .getElementById(`${id}-${stored.length + 1}`)
              ?.querySelector<HTMLElement>('input, select, textarea')
              ?.focus(),
          );
        }}
        onRemove={(i) => {
          change((list) => list.filter((_, j) => j !== i));
          requestAnimationFrame(() => document.getElementById(`${id}-add`)?.focus());
        }}
      />
    );
  }

  /** One question, group or repeat at a level of the form, with what is inside it. */
  function item(q: Question, scope: Scope, large: boolean): ReactNode {
    const key = scope.path + q.name;
    const extra = scope.path === '' ? renderExtra?.(q) : undefined;
    if (scope.path === '' && hiddenQuestions?.has(q.name)) {
      return (
        <div key={q.name} id={`${questionId(q.name)}-wrap`} data-question={q.name}>
          {extra}
        </div>
      );
    }
    if (q.type === 'repeat') return repeat(q, scope);
    if (q.type === 'group') {
      return (
        <GroupBox key={q.name} question={ft.question(q)} id={questionId(key)}>
          {(q.questions ?? [])
            .filter((c) => isShown(c, scope.level, hiddenQuestions, renderExtra))
            .map((c) => item(c, scope, false))}
        </GroupBox>
      );
    }
    const control = (
      <QuestionField
        key={q.name}
        question={ft.question(q)}
        choices={choicesFor(q, scope.level)}
        id={questionId(key)}
        value={scope.answers[q.name]}
        computed={scope.level.values[q.name]}
        required={scope.level.required.has(q.name)}
        error={errorFor(key)}
        large={large}
        onValue={(value, settled) => setValue(scope, q.name, value, settled)}
        onLeave={() => {
          if (changed.current.has(key)) show(key);
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

  const languageSwitch = languages.length > 0 && (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={`${prefix}language`} className="text-sm font-semibold text-stone-800">
        {t('collect.form.language')}
      </label>
      <select
        id={`${prefix}language`}
        className="input w-auto"
        value={language}
        onChange={(e) => chooseLanguage(e.target.value)}
      >
        {languages.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );

  if (paged) {
    const isLast = index >= screens.length - 1;
    const context = screen
      ? [ft.section(screen.section).label, ...screen.groups.map((g) => ft.question(g).label)].filter(Boolean)
      : [];
    // Progress from the form's structure: skip logic opening questions never moves it back or past the end.
    const progress = screen ? progressAt(structure, screen) : null;
    const percent = progress ? Math.round((100 * progress.done) / progress.total) : 0;
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
        {languageSwitch}
        {screen ? (
          <>
            {progress && (
              <div data-progress={percent}>
                <p id={`${prefix}progress`} className="text-sm font-semibold text-stone-800">
                  {t('collect.form.progress', {
                    section: number(progress.section),
                    sections: number(progress.sections),
                    percent: number(percent),
                  })}
                </p>
                <progress
                  aria-labelledby={`${prefix}progress`}
                  className="mt-1 w-full"
                  max={progress.total}
                  value={progress.done}
                />
              </div>
            )}
            {context.length > 0 && <p className="text-sm text-stone-700">{context.join(' › ')}</p>}
            <div id={`${prefix}screen`} className="space-y-6">
              {screen.items.map((q) => item(q, top, screen.items.length === 1))}
            </div>
          </>
        ) : (
          <p className="text-stone-800">{t('collect.form.noQuestions')}</p>
        )}
        <div className="flex items-center justify-between gap-3">
          {index > 0 ? (
            <button type="button" className="btn-secondary" onClick={back}>
              {t('common.back')}
            </button>
          ) : (
            <span />
          )}
          {(!isLast || onComplete) && (
            <button type="submit" className="btn-primary">
              {isLast ? (completeLabel ?? t('collect.form.submit')) : t('common.next')}
            </button>
          )}
        </div>
      </form>
    );
  }

  // ---- the whole form on one page ----
  const sections = visibleItems(form, evaluation, hiddenQuestions, renderExtra);
  const anyRequired = sections.some((s) =>
    [...allQuestions(s.items)].some((q) => evaluation.required.has(q.name) && !hiddenQuestions?.has(q.name)),
  );
  const summaryItems = (summary ?? []).filter((name) => errors.has(name));
  /** How an error's question is named in the summary: `Household member 2: Age` inside a repeat. */
  function errorLabel(field: string): string | undefined {
    const leaf = questionByName.get(errorLeaf(field));
    if (!leaf) return undefined;
    const parts = [...field.matchAll(/([^.[\]]+)\[(\d+)\]\./g)].map(([, name, n]) => {
      const q = questionByName.get(name!);
      return `${q ? labelText(ft.question(q)) : name} ${n}`;
    });
    return [...parts, labelText(ft.question(leaf))].join(': ');
  }
  return (
    <form
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (onComplete) complete();
      }}
      className="space-y-6"
    >
      {languageSwitch}
      {summaryItems.length > 0 && (
        <AnswerSummary
          ref={summaryRef}
          items={summaryItems.map((name) => ({ name, label: errorLabel(name), error: errors.get(name) }))}
          href={(name) => `#${questionId(name)}`}
          onPick={focusQuestion}
        />
      )}
      {anyRequired && (
        <p className="text-sm text-stone-700">
          {t('collect.form.requiredBefore')} <span className="font-semibold text-red-700">*</span>{' '}
          {t('collect.form.requiredAfter')}
        </p>
      )}
      {sections.map(({ section: original, items }) => {
        const section = ft.section(original);
        const body =
          columns === 2 ? (
            <div className="clear-left space-y-6 lg:grid lg:grid-cols-2 lg:gap-x-8 lg:gap-y-6 lg:space-y-0">
              {items.map((q) => (
                <div key={q.name} className={spansBoth(q) ? 'lg:col-span-2' : undefined}>
                  {item(q, top, false)}
                </div>
              ))}
            </div>
          ) : (
            <div className="clear-left space-y-6">{items.map((q) => item(q, top, false))}</div>
          );
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
      {sections.length === 0 && <p className="text-stone-800">{t('collect.form.noQuestions')}</p>}
      {onComplete && (
        <button type="submit" className="btn-primary">
          {completeLabel ?? t('collect.form.submit')}
        </button>
      )}
    </form>
  );
}
