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
import { useT } from '../../i18n';

function answerText(answers: Answers, name: string | null): string {
  const v = name ? answers[name] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}

/** The form being typed, keyboard first, and the forms saved so far. */
export function EntryForm({ user, form, versionId }: { user: SessionUser; form: FormSchema; versionId: string }) {
  const { t, number } = useT();
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
  // A desk has no GPS fix: location questions are not shown to a clerk (the registry does not ask the
  // clerk channel for them), so the first field is the paper form's first answer, not a GPS button.
  const deskHidden = useMemo(
    () =>
      new Set(
        answerQuestions(form)
          .filter((q) => q.type === 'geopoint')
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
      name: name || t('clerk.entry.noName'),
      ninTail: ninText,
      state: 'sending',
      body,
    };
    update((s) => ({ ...s, recent: [item, ...s.recent].slice(0, RECENT_MAX), current: blankForm() }));
    setAnnouncement(t('clerk.entry.saved', { name: item.name }));
    send(body);
  }

  function reopen(r: RecentForm) {
    if (!r.body) return;
    const hasAnswers = Object.keys(current.answers).some((k) => !metadataNames.has(k));
    if (hasAnswers && !window.confirm(t('clerk.entry.replaceConfirm'))) return;
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
          {t('clerk.entry.count', { count: number(state.count) })}
        </p>
        <p className="text-sm text-stone-700">{form.title}</p>
      </div>
      <details className="text-sm text-stone-800">
        <summary className="cursor-pointer font-semibold">{t('clerk.keys.title')}</summary>
        <ul className="mt-2 list-disc space-y-1 pl-6">
          <li>
            <kbd>Tab</kbd> / <kbd>Shift+Tab</kbd>: {t('clerk.keys.tab')}
          </li>
          <li>
            <kbd>Enter</kbd>: {t('clerk.keys.enter')}
          </li>
          <li>
            {t('clerk.keys.arrows')} <kbd>Space</kbd>: {t('clerk.keys.space')}
          </li>
          <li>
            <kbd>Ctrl+Enter</kbd>: {t('clerk.keys.save')}
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
          columns={2}
          completeLabel={t('clerk.entry.save')}
          hiddenQuestions={deskHidden}
          renderExtra={renderExtra}
        />
      </div>

      <RecentForms recent={state.recent} onRetry={(r) => r.body && send(r.body)} onReopen={reopen} />
    </div>
  );
}
