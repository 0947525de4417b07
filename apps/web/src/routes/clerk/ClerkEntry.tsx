import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { maskTail, normalizeNin, type SessionUser, type SubmissionStatusView } from '@oslrs/core';
import { ApiError, errorMessage } from '../../api/client';
import { forms, queryKeys } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { deviceId, isMetadata } from '../../forms/answers';
import { FormRenderer } from '../../forms/FormRenderer';
import type { Answers, FormSchema, Question } from '../../forms/engine';
import { formatDateTime } from '../../lib/format';
import {
  collection,
  fieldQuestion,
  ninProblem,
  ninQuestionName,
  rejectionText,
  submitErrorText,
  type SubmissionBody,
} from '../register/collection';
import { focusQuestionField } from '../register/focus';
import { NinCheck } from '../register/NinCheck';
import { blankForm, patchRecent, RECENT_MAX, useClerkState, type RecentForm } from './clerkState';

const SAVE_LABEL = 'Save and next (Ctrl+Enter)';

function answerText(answers: Answers, name: string | null): string {
  const v = name ? answers[name] : undefined;
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}

function statusText(r: RecentForm): string {
  switch (r.state) {
    case 'sending':
      return 'Sending…';
    case 'received':
      return 'Received, being processed…';
    case 'ingested':
      return 'Registered';
    case 'rejected':
      return `Rejected: ${rejectionText(r.error, true)}`;
    case 'failed':
      return `Not saved: ${r.failure?.text ?? 'unknown problem'}`;
  }
}

function statusClass(r: RecentForm): string {
  if (r.state === 'ingested') return 'text-green-900';
  if (r.state === 'rejected' || r.state === 'failed') return 'font-semibold text-red-700';
  return 'text-stone-800';
}

/**
 * Paper questionnaires typed in at speed, keyboard only: Tab/Shift+Tab between fields, Enter to the
 * next field, Ctrl+Enter to save and start the next form with the focus already in its first field.
 */
export default function ClerkEntry() {
  const { user } = useAuth();
  if (!user) return null;
  return <ClerkDesk user={user} />;
}

function ClerkDesk({ user }: { user: SessionUser }) {
  const settings = useQuery({
    queryKey: ['forms', 'settings'],
    queryFn: ({ signal }) => collection.formSettings(signal),
    staleTime: 60_000,
  });
  const questionnaireId = settings.data?.settings.staffQuestionnaireId ?? null;
  const schema = useQuery({
    queryKey: queryKeys.formSchema(questionnaireId ?? '', undefined),
    queryFn: ({ signal }) => forms.schema(questionnaireId!, undefined, signal),
    enabled: !!questionnaireId,
    staleTime: 5 * 60_000,
  });

  let body;
  if (settings.isError || schema.isError) {
    body = (
      <Alert title="The questionnaire could not be loaded">
        <p>{errorMessage(settings.error ?? schema.error)}</p>
        <button
          type="button"
          className="btn-secondary mt-3"
          onClick={() => void (settings.isError ? settings.refetch() : schema.refetch())}
        >
          Try again
        </button>
      </Alert>
    );
  } else if (settings.isSuccess && !questionnaireId) {
    body = (
      <Alert title="No staff questionnaire is set">
        <p>The registry&rsquo;s super admin has not chosen the questionnaire for staff yet.</p>
      </Alert>
    );
  } else if (!schema.data) {
    body = <Loading label="Loading the questionnaire…" />;
  } else {
    body = <EntryForm user={user} form={schema.data.form} versionId={schema.data.versionId} />;
  }
  return (
    <>
      <PageHeading>Paper form entry</PageHeading>
      {body}
    </>
  );
}

function EntryForm({ user, form, versionId }: { user: SessionUser; form: FormSchema; versionId: string }) {
  const [state, update] = useClerkState(user.id);
  const { current } = state;
  const container = useRef<HTMLDivElement>(null);
  const completed = useRef(false);
  const [ninError, setNinError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const ninName = useMemo(() => ninQuestionName(form), [form]);
  const metadataNames = useMemo(
    () => new Set(form.sections.flatMap((s) => s.questions.filter(isMetadata).map((q) => q.name))),
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

  const send = useCallback(
    (body: SubmissionBody) => {
      update((s) => patchRecent(s, body.id, (r) => ({ ...r, state: 'sending', failure: undefined })));
      collection
        .submit(body)
        .then((view) =>
          update((s) => {
            const item = s.recent.find((r) => r.id === body.id);
            const next = patchRecent(s, body.id, (r) => ({
              ...r,
              state: view.status,
              error: view.error,
              body: undefined,
              counted: true,
            }));
            return item && !item.counted ? { ...next, count: s.count + 1 } : next;
          }),
        )
        .catch((error: unknown) => {
          const code = error instanceof ApiError ? error.code : 'NETWORK_ERROR';
          const retry =
            !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;
          const field =
            code === 'NIN_INVALID'
              ? (ninName ?? undefined)
              : ((error as ApiError).details as { errors?: { field?: string }[] } | undefined)?.errors?.[0]?.field;
          update((s) =>
            patchRecent(s, body.id, (r) => ({
              ...r,
              state: 'failed',
              failure: { code, text: submitErrorText(error), retry, field },
            })),
          );
        });
    },
    [update, ninName],
  );

  // Follow saved forms until the registry has ingested or rejected each.
  const pending = state.recent.filter((r) => r.state === 'received').map((r) => r.id);
  const pendingKey = pending.join(',');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!pendingKey) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const views = await Promise.all(
        pendingKey.split(',').map((id) => collection.status(id, controller.signal).catch(() => null)),
      );
      if (controller.signal.aborted) return;
      update((s) =>
        views.reduce(
          (acc, view: SubmissionStatusView | null) =>
            view ? patchRecent(acc, view.id, (r) => ({ ...r, state: view.status, error: view.error })) : acc,
          s,
        ),
      );
      setTick((t) => t + 1);
    }, 1200);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [pendingKey, tick, update]);

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
    for (const wrap of after) if (focusQuestionField(wrap.dataset.question!, container.current)) return;
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

      <section aria-labelledby="recent-heading" className="card">
        <h2 id="recent-heading" className="text-xl font-bold">
          Last {RECENT_MAX} saved forms
        </h2>
        {state.recent.length === 0 ? (
          <p className="mt-2 text-stone-800">Forms you save appear here with the registry&rsquo;s answer.</p>
        ) : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Last {RECENT_MAX} saved forms and their status</caption>
              <thead>
                <tr className="border-b border-stone-300">
                  <th scope="col" className="py-2 pr-3">
                    Saved
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    Name
                  </th>
                  <th scope="col" className="py-2 pr-3">
                    NIN
                  </th>
                  <th scope="col" className="py-2">
                    Status
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.recent.map((r) => (
                  <tr key={r.id} className="border-b border-stone-200 align-top last:border-b-0">
                    <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(r.savedAt)}</td>
                    <td className="py-2 pr-3">{r.name}</td>
                    <td className="py-2 pr-3 font-mono">{r.ninTail ?? 'Not given'}</td>
                    <td className="py-2">
                      <span className={statusClass(r)}>{statusText(r)}</span>
                      {r.state === 'failed' && r.body && (
                        <span className="mt-1 flex flex-wrap gap-3">
                          {r.failure?.retry ? (
                            <button type="button" className="link" onClick={() => send(r.body!)}>
                              Retry<span className="sr-only"> saving the form of {r.name}</span>
                            </button>
                          ) : (
                            <button type="button" className="link" onClick={() => reopen(r)}>
                              Reopen to correct<span className="sr-only"> the form of {r.name}</span>
                            </button>
                          )}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
