import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { maskTail, normalizeNin, type SessionUser } from '@oslrs/core';
import { deviceId, isMetadata } from '../../forms/answers';
import { FormRenderer } from '../../forms/FormRenderer';
import type { Answers, FormSchema, Question } from '../../forms/engine';
import { answerQuestions } from '../../forms/level';
import { fieldQuestion, ninProblem, ninQuestionName, type SubmissionBody } from '../register/collection';
import { focusQuestionField } from '../register/focus';
import { NinCheck } from '../register/NinCheck';
import { blankForm, RECENT_MAX, useClerkState, type RecentForm } from './clerkState';
import { RecentForms } from './RecentForms';
import { useClerkSubmissions } from './useClerkSubmissions';

const SAVE_LABEL = 'Save and next (Ctrl+Enter)';

function answerText(answers: Answers, name: string | null): string {
  const v = name ? answers[name] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}

/** The form being typed, keyboard first, and the forms saved so far. */
export function EntryForm({ user, form, versionId }: { user: SessionUser; form: FormSchema; versionId: string }) {
  const [state, update] = useClerkState(user.id);
  const { current } = state;
  const container = useRef<HTMLDivElement>(null);
  const completed = useRef(false);
  const [ninError, setNinError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const ninName = useMemo(() => ninQuestionName(form), [form]);
  const metadataNames = useMemo(
    () =>
      new Set(
        answerQuestions(form)
          .filter(isMetadata)
          .map((q) => q.name),
      ),
    [form],
  );
  const names = useMemo(
    () => ({ surname: fieldQuestion(form, 'surname'), firstname: fieldQuestion(form, 'firstname') }),
    [form],
  );

  const focusFirstField = useCallback(() => {
    const root = container.current;
    if (!root) return;
    // The first question that takes an answer (a note has no control).
    for (const wrap of Array.from(root.querySelectorAll<HTMLElement>('[data-question]'))) {
      if (focusQuestionField(wrap.dataset.question!, root)) return;
    }
  }, []);

  // A new blank form (and the page's first form): focus straight into its first field.
  useEffect(() => {
    const frame = requestAnimationFrame(focusFirstField);
    return () => cancelAnimationFrame(frame);
  }, [current.id, focusFirstField]);

  const send = useClerkSubmissions(state, update, ninName, form);

  function onComplete(final: Answers) {
    completed.current = true;
    const nin = ninName ? final[ninName] : undefined;
    const problem = typeof nin === 'string' ? ninProblem(nin) : null;
    if (problem && ninName) {
      setNinError(problem);
      requestAnimationFrame(() => focusQuestionField(ninName, container.current ?? document));
      return;
    }
    setNinError(null);
    const completedAt = new Date().toISOString();
    const body: SubmissionBody = {
      id: current.id,
      questionnaireVersionId: versionId,
      answers: final,
      startedAt: current.startedAt <= completedAt ? current.startedAt : completedAt,
      completedAt,
      deviceId: deviceId(),
    };
    const name = [answerText(final, names.surname), answerText(final, names.firstname)].filter(Boolean).join(' ');
    const ninText = typeof nin === 'string' && nin ? maskTail(normalizeNin(nin)) : null;
    const item: RecentForm = {
      id: body.id,
      savedAt: completedAt,
      name: name || 'No name given',
      ninTail: ninText,
      state: 'sending',
      body,
    };
    update((s) => ({ ...s, recent: [item, ...s.recent].slice(0, RECENT_MAX), current: blankForm() }));
    setAnnouncement(`Saved ${item.name}. A new blank form is ready.`);
    send(body);
  }

  function reopen(r: RecentForm) {
    if (!r.body) return;
    const hasAnswers = Object.keys(current.answers).some((k) => !metadataNames.has(k));
    if (hasAnswers && !window.confirm('Replace the form you are typing with the one to correct?')) return;
    const answers = r.body.answers;
    update((s) => ({
      ...s,
      recent: s.recent.filter((x) => x.id !== r.id),
      current: { ...blankForm(answers), startedAt: r.body!.startedAt },
    }));
    const field = r.failure?.field;
    if (field) setTimeout(() => focusQuestionField(field, container.current ?? document), 50);
  }

  // Enter in a field moves to the next question instead of sending the form.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== 'Enter' || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    const target = event.target as HTMLElement;
    const isField =
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLInputElement && !['button', 'submit', 'reset', 'file'].includes(target.type));
    if (!isField || !container.current) return;
    event.preventDefault();
    const wraps = Array.from(container.current.querySelectorAll<HTMLElement>('[data-question]'));
    const from = target.closest<HTMLElement>('[data-question]') ?? target;
    const after = wraps.filter(
      (w) => !from.contains(w) && from.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    // Looked up from the wrap's parent: a repeat's instances each hold a question of the same name.
    for (const wrap of after)
      if (focusQuestionField(wrap.dataset.question!, wrap.parentElement ?? container.current)) return;
    container.current.querySelector<HTMLButtonElement>('form button[type="submit"]')?.focus();
  }

  // Ctrl+Enter (⌘+Enter on a Mac) saves from anywhere on the page.
  const save = useCallback(() => {
    container.current?.querySelector('form')?.requestSubmit();
  }, []);
  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.repeat) return;
      event.preventDefault();
      event.stopPropagation();
      save();
    }
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [save]);

  // After a save that the engine refused, the focus goes to the first field with an error.
  function onSubmitCapture() {
    completed.current = false;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (completed.current || !container.current) return;
        const invalid = container.current.querySelector<HTMLElement>('form [data-question] [aria-invalid="true"]');
        const name = invalid?.closest<HTMLElement>('[data-question]')?.dataset.question;
        if (name) focusQuestionField(name, container.current);
      }),
    );
  }

  const ninValue = ninName ? current.answers[ninName] : undefined;
  const renderExtra = useCallback(
    (q: Question) =>
      q.name === ninName ? (
        <div className="space-y-2">
          <NinCheck nin={typeof ninValue === 'string' ? ninValue : ''} staff auto />
          {ninError && (
            <p role="alert" className="field-error">
              {ninError}
            </p>
          )}
        </div>
      ) : null,
    [ninName, ninValue, ninError],
  );

  return (
    <div className="mt-4 space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-stone-300 bg-white px-4 py-3">
        <p role="status" className="text-lg font-semibold">
          Forms entered this session: {state.count}
        </p>
        <p className="text-sm text-stone-700">{form.title}</p>
      </div>
      <details className="text-sm text-stone-800">
        <summary className="cursor-pointer font-semibold">Keyboard shortcuts</summary>
        <ul className="mt-2 list-disc space-y-1 pl-6">
          <li>
            <kbd>Tab</kbd> / <kbd>Shift+Tab</kbd>: next / previous field, in the order of the paper form.
          </li>
          <li>
            <kbd>Enter</kbd>: go to the next question.
          </li>
          <li>
            Arrow keys choose among options; <kbd>Space</kbd> ticks a box or picks the focused option.
          </li>
          <li>
            <kbd>Ctrl+Enter</kbd>: save this form and start the next one.
          </li>
        </ul>
      </details>
      <p className="sr-only" aria-live="polite">
        {announcement}
      </p>
      <div ref={container} onKeyDown={onKeyDown} onSubmitCapture={onSubmitCapture}>
        <FormRenderer
          key={current.id}
          form={form}
          answers={current.answers}
          onChange={(answers) => {
            if (ninName && answers[ninName] !== current.answers[ninName]) setNinError(null);
            update((s) => ({ ...s, current: { ...s.current, answers } }));
          }}
          onComplete={onComplete}
          mode="full"
          completeLabel={SAVE_LABEL}
          renderExtra={renderExtra}
        />
      </div>

      <RecentForms recent={state.recent} onRetry={(r) => r.body && send(r.body)} onReopen={reopen} />
    </div>
  );
}
