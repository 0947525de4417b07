import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type Questionnaire } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { FormRenderer, type RendererMode } from '../../../forms/FormRenderer';
import { PreviewControls } from './PreviewControls';
import { PreviewBoundary } from '../../../forms/PreviewBoundary';
import type { Answers, FieldError, FormSchema, Question } from '../../../forms/engine';
import { formatDateTime, plural } from '../../../lib/format';
import { BuilderTextField, ConfirmDialog, ProblemsContext } from './BuilderFields';
import { ChoiceListsEditor } from './ChoiceListsEditor';
import { allQuestionNames, fieldId, setForm } from './draft';
import { analyse, describePath, problemMessage, type Problem } from './problems';
import { QuestionnaireStatusBadge } from './QuestionnaireStatus';
import { SectionsEditor } from './SectionsEditor';

/** The pause after typing before expressions are checked and the preview redrawn. */
const CHECK_DELAY_MS = 200;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The problems an error names, at schema paths: FORM_INVALID's FieldError[], VALIDATION_FAILED's
 * { path, message }[], or a rule error's details.field (FORM_ID_TAKEN → formId).
 */
function formIssues(error: unknown): FieldError[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { issues?: unknown; field?: unknown } | undefined;
  if (typeof details?.field === 'string') return [{ field: details.field, code: error.code, message: error.message }];
  if (!Array.isArray(details?.issues)) return [];
  return details.issues.flatMap((issue): FieldError[] => {
    if (!issue || typeof issue !== 'object') return [];
    const { field, path, code, message } = issue as {
      field?: unknown;
      path?: unknown;
      code?: unknown;
      message?: unknown;
    };
    const where = typeof field === 'string' ? field : Array.isArray(path) ? path.join('.') : String(path ?? '');
    return [
      {
        field: where,
        code: typeof code === 'string' ? code : error.code,
        message: typeof message === 'string' ? message : 'Invalid',
      },
    ];
  });
}

export default function QuestionnaireBuilder() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: queryKeys.questionnaire(id),
    queryFn: ({ signal }) => questionnaires.get(id, signal),
    // The draft being edited lives in the page; a background refetch must not look like it changed.
    refetchOnWindowFocus: false,
  });

  if (query.isPending) {
    return (
      <>
        <PageHeading>Questionnaire</PageHeading>
        <Loading />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <>
        <PageHeading>{notFound ? 'Questionnaire not found' : 'Questionnaire'}</PageHeading>
        <div className="mt-6 max-w-2xl">
          {notFound ? (
            <p className="text-stone-800">There is no questionnaire at this address.</p>
          ) : (
            <Alert title="Could not load this questionnaire">
              <p>{errorMessage(query.error)}</p>
            </Alert>
          )}
          <p className="mt-4">
            <Link to="/admin/questionnaires" className="link">
              Back to the questionnaires
            </Link>
          </p>
        </div>
      </>
    );
  }
  return <Builder key={id} questionnaire={query.data.questionnaire} />;
}

type Notice = { kind: 'ok'; text: string } | { kind: 'error'; title: string; text: string; issues?: FieldError[] };

function Builder({ questionnaire }: { questionnaire: Questionnaire }) {
  const id = questionnaire.id;
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<FormSchema>(questionnaire.draft);
  // Every edit makes a new object, so "changed since saved" is a comparison of identity.
  const [saved, setSaved] = useState<FormSchema>(questionnaire.draft);
  const dirty = draft !== saved;
  const latest = useRef(draft);
  /** Apply a change to the latest draft (not the one of the last render) and return the result. */
  const edit = useCallback((change: (form: FormSchema) => FormSchema): FormSchema => {
    const next = change(latest.current);
    latest.current = next;
    setDraft(next);
    return next;
  }, []);
  const listNames = useMemo(() => Object.keys(draft.choiceLists), [draft.choiceLists]);
  const [open, setOpen] = useState<Question | null>(questionnaire.draft.sections[0]?.questions[0] ?? null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [confirm, setConfirm] = useState<'publish' | 'archive' | null>(null);

  // What the checks and the preview see: the draft as it was a moment ago, not every keystroke.
  const checked = useDebounced(draft, CHECK_DELAY_MS);
  const analysis = useMemo(() => analyse(checked), [checked]);
  const checking = checked !== draft;

  // ---- focus that must wait for the next render (a new question's Name field, a problem's field) ----
  const pendingFocus = useRef<string[] | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const focusLater = useCallback((...ids: string[]) => {
    pendingFocus.current = ids;
    setFocusRequest((n) => n + 1);
  }, []);
  useEffect(() => {
    const ids = pendingFocus.current;
    if (!ids) return;
    pendingFocus.current = null;
    for (const candidate of ids) {
      const element = document.getElementById(candidate);
      if (!element) continue;
      // A folded choice list opens to show the field.
      for (let d = element.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
      element.focus();
      element.scrollIntoView({ block: 'center' });
      return;
    }
  }, [focusRequest]);

  /** Open the question a path is in, then focus the field (or the nearest thing that exists). */
  function focusPath(path: string) {
    const match = /^sections\.(\d+)\.questions\.(\d+)/.exec(path);
    if (match) {
      const question = draft.sections[Number(match[1])]?.questions[Number(match[2])];
      if (question) setOpen(question);
    }
    const candidates: string[] = [];
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) candidates.push(fieldId(parts.slice(0, n).join('.')));
    candidates.push('form-settings');
    focusLater(...candidates);
  }

  // ---- leaving with unsaved changes ----
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  // ---- saving, publishing, archiving ----
  function afterWrite(next: Questionnaire) {
    queryClient.setQueryData(queryKeys.questionnaire(id), { questionnaire: next });
    void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
  }

  async function saveDraft(form: FormSchema) {
    const result = await questionnaires.saveDraft(id, form);
    setSaved(form);
    afterWrite(result.questionnaire);
    return result;
  }

  const save = useMutation({
    mutationFn: (form: FormSchema) => saveDraft(form),
    onMutate: () => setNotice(null),
    onSuccess: (result) => {
      const count = result.issues.length;
      setNotice({
        kind: 'ok',
        text: count
          ? `Draft saved. ${plural(count, 'problem', 'problems')} must be fixed before it can be published.`
          : 'Draft saved.',
      });
    },
    onError: (error) =>
      setNotice({
        kind: 'error',
        title: 'The draft was not saved',
        text: errorMessage(error),
        issues: formIssues(error),
      }),
  });

  const publish = useMutation({
    mutationFn: async (form: FormSchema) => {
      if (dirty) await saveDraft(form);
      return questionnaires.publish(id);
    },
    onMutate: () => setNotice(null),
    onSuccess: ({ version }) => {
      setConfirm(null);
      setNotice({ kind: 'ok', text: `Version ${version.version} published.` });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaire(id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.questionnaireList });
    },
    onError: (error) => {
      setConfirm(null);
      setNotice({ kind: 'error', title: 'Not published', text: errorMessage(error), issues: formIssues(error) });
    },
  });

  const archive = useMutation({
    mutationFn: () => questionnaires.archive(id),
    onMutate: () => setNotice(null),
    onSuccess: ({ questionnaire: next }) => {
      setConfirm(null);
      afterWrite(next);
      setNotice({ kind: 'ok', text: 'Questionnaire archived.' });
    },
    onError: (error) => {
      setConfirm(null);
      setNotice({ kind: 'error', title: 'Not archived', text: errorMessage(error) });
    },
  });

  const summaryRef = useRef<HTMLElement>(null);
  // An archived questionnaire is kept as it is: the API refuses changes to it.
  const archived = questionnaire.status === 'archived';
  const busy = save.isPending || publish.isPending || archive.isPending;
  const versions = [...questionnaire.versions].sort((a, b) => b.version - a.version);
  const nextVersion = (questionnaire.latestVersion ?? 0) + 1;

  function onPublishClick() {
    if (analysis.problems.length > 0) {
      setNotice({
        kind: 'error',
        title: 'Not published',
        text: `Fix the ${plural(analysis.problems.length, 'problem', 'problems')} listed under “Problems” first.`,
      });
      summaryRef.current?.focus();
      return;
    }
    setConfirm('publish');
  }

  return (
    <ProblemsContext value={analysis.byPath}>
      <p className="mb-2">
        <Link to="/admin/questionnaires" className="link">
          Back to the questionnaires
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <PageHeading title={`Edit ${draft.title || questionnaire.title}`}>
          {draft.title || questionnaire.title}
        </PageHeading>
        <QuestionnaireStatusBadge status={questionnaire.status} />
      </div>
      <p className="mt-1 text-stone-700">
        Form ID <span className="font-mono">{questionnaire.formId}</span>
        {questionnaire.latestVersion !== null && <> · latest version {questionnaire.latestVersion}</>}
      </p>

      <div className="sticky top-0 z-10 -mx-4 mt-4 border-b border-stone-300 bg-stone-50/95 px-4 py-3">
        <div className="flex flex-wrap items-center gap-3">
          {!archived && (
            <>
              <button
                type="button"
                className="btn-primary"
                aria-busy={save.isPending || undefined}
                onClick={() => {
                  if (!busy) save.mutate(draft);
                }}
              >
                Save draft
              </button>
              <button type="button" className="btn-secondary" onClick={onPublishClick}>
                Publish
              </button>
            </>
          )}
          <a href={questionnaires.exportUrl(id)} className="btn-secondary" download>
            Export XLSForm<span className="sr-only"> (the saved draft)</span>
          </a>
          {!archived && (
            <button type="button" className="btn-secondary" onClick={() => setConfirm('archive')}>
              Archive
            </button>
          )}
          {!archived && (
            <p className="text-sm text-stone-800" aria-live="polite">
              {save.isPending ? 'Saving…' : dirty ? 'Unsaved changes' : 'All changes saved'}
            </p>
          )}
        </div>
      </div>

      <div className="mt-4 space-y-4">
        {notice?.kind === 'ok' && (
          <p
            role="status"
            className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold text-green-950"
          >
            {notice.text}
          </p>
        )}
        {notice?.kind === 'error' && (
          <Alert title={notice.title}>
            <p>{notice.text}</p>
            {notice.issues && notice.issues.length > 0 && (
              <IssueLinks form={draft} issues={notice.issues} onFocus={focusPath} />
            )}
          </Alert>
        )}
        {archived && (
          <p className="rounded-md border-l-4 border-stone-500 bg-stone-100 p-3">
            This questionnaire is archived and can no longer be changed: staff and the public no longer receive it. Its
            versions and their submissions are kept, and you can still preview and export them.
          </p>
        )}

        <section
          ref={summaryRef}
          tabIndex={-1}
          aria-labelledby="problems-heading"
          className={`rounded-lg border p-4 ${analysis.problems.length ? 'border-red-300 bg-red-50' : 'border-stone-300 bg-white'}`}
        >
          <h2 id="problems-heading" className="text-lg font-bold">
            Problems{analysis.problems.length > 0 && ` (${analysis.problems.length})`}
          </h2>
          {analysis.problems.length === 0 ? (
            <p className="mt-1 text-stone-800">No problems found{checking ? ' (checking…)' : ''}.</p>
          ) : (
            <IssueLinks form={checked} issues={analysis.problems} onFocus={focusPath} />
          )}
        </section>
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-6" inert={archived}>
          <section id="form-settings" tabIndex={-1} className="card space-y-4" aria-labelledby="settings-heading">
            <h2 id="settings-heading" className="text-xl font-bold">
              Questionnaire
            </h2>
            <BuilderTextField
              path="title"
              label="Title"
              value={draft.title}
              onChange={(title) => edit((form) => setForm(form, { title }))}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <BuilderTextField
                path="formId"
                label="Form ID"
                hint="XLSForm form_id: letters, digits and _."
                mono
                value={draft.formId}
                onChange={(formId) => edit((form) => setForm(form, { formId }))}
              />
              <BuilderTextField
                path="version"
                label="Version label"
                hint="Optional free text (XLSForm version)."
                value={draft.version ?? ''}
                onChange={(version) => edit((form) => setForm(form, { version: version || undefined }))}
              />
            </div>
          </section>

          <section aria-labelledby="sections-heading" className="space-y-4">
            <h2 id="sections-heading" className="text-xl font-bold">
              Sections and questions
            </h2>
            <SectionsEditor
              form={draft}
              edit={edit}
              focusLater={focusLater}
              open={open}
              onOpen={setOpen}
              listNames={listNames}
            />
          </section>

          <ChoiceListsEditor form={draft} edit={edit} focusLater={focusLater} />
        </div>

        <div className="min-w-0">
          <Preview form={checked} compiles={analysis.compiled !== null} />
        </div>
      </div>

      <section className="card mt-6" aria-labelledby="versions-heading">
        <h2 id="versions-heading" className="text-xl font-bold">
          Versions
        </h2>
        {versions.length === 0 ? (
          <p className="mt-2 text-stone-800">No version has been published yet.</p>
        ) : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Published versions</caption>
              <thead className="border-b border-stone-300">
                <tr>
                  <th scope="col" className="py-2 pr-4 font-semibold">
                    Version
                  </th>
                  <th scope="col" className="py-2 pr-4 font-semibold">
                    Published at
                  </th>
                  <th scope="col" className="py-2 pr-4 font-semibold">
                    Published by
                  </th>
                  <th scope="col" className="py-2 font-semibold">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-200">
                {versions.map((v) => (
                  <tr key={v.version}>
                    <th scope="row" className="py-2 pr-4 font-semibold tabular-nums">
                      {v.version}
                    </th>
                    <td className="py-2 pr-4 whitespace-nowrap">{formatDateTime(v.publishedAt)}</td>
                    <td className="py-2 pr-4">{v.publishedBy ?? '—'}</td>
                    <td className="space-x-4 py-2 whitespace-nowrap">
                      <Link to={`/admin/questionnaires/${id}/preview?version=${v.version}`} className="link">
                        Preview version {v.version}
                      </Link>
                      <a href={questionnaires.exportUrl(id, v.version)} className="link" download>
                        Download version {v.version}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ConfirmDialog
        open={confirm === 'publish'}
        title={`Publish version ${nextVersion}?`}
        confirmLabel={`Publish version ${nextVersion}`}
        busy={publish.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => publish.mutate(draft)}
      >
        <p>
          The draft becomes version {nextVersion}. A published version never changes: devices download it, and every
          submission names the version it answered.
        </p>
        {dirty && <p>Your unsaved changes are saved first.</p>}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'archive'}
        title="Archive this questionnaire?"
        confirmLabel="Archive questionnaire"
        danger
        busy={archive.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => archive.mutate()}
      >
        <p>
          Staff and the public stop receiving it. Its published versions and their submissions are kept, and you can
          still export them.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={blocker.state === 'blocked'}
        title="Leave without saving?"
        confirmLabel="Leave without saving"
        danger
        onCancel={() => blocker.reset?.()}
        onConfirm={() => blocker.proceed?.()}
      >
        <p>The changes you made to this draft since it was last saved will be lost.</p>
      </ConfirmDialog>
    </ProblemsContext>
  );
}

/** Problems as links: each one opens its question and focuses the field. */
function IssueLinks({
  form,
  issues,
  onFocus,
}: {
  form: FormSchema;
  issues: (Problem | FieldError)[];
  onFocus: (path: string) => void;
}) {
  return (
    <ul className="mt-2 list-disc space-y-1 pl-6">
      {issues.map((issue, i) => (
        <li key={`${issue.field}-${issue.code}-${i}`}>
          <a
            href={`#${fieldId(issue.field)}`}
            className="link text-red-900"
            onClick={(e) => {
              e.preventDefault();
              onFocus(issue.field);
            }}
          >
            {describePath(form, issue.field)}: {problemMessage(issue)}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Drawn again only when the checked draft changes, not on every keystroke. */
const Preview = memo(function Preview({ form, compiles }: { form: FormSchema; compiles: boolean }) {
  const [answers, setAnswers] = useState<Answers>({});
  const [mode, setMode] = useState<RendererMode>('auto');
  const [done, setDone] = useState(false);
  // Answers to questions that were renamed or removed since they were typed are left behind.
  const known = useMemo(() => {
    const names = allQuestionNames(form);
    return Object.fromEntries(Object.entries(answers).filter(([name]) => names.has(name)));
  }, [form, answers]);
  return (
    <section
      aria-labelledby="preview-heading"
      className="card space-y-4 lg:sticky lg:top-20 lg:max-h-[calc(100dvh-6rem)] lg:overflow-y-auto"
    >
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="preview-heading" className="text-xl font-bold">
          Preview
        </h2>
        <PreviewControls
          mode={mode}
          onModeChange={setMode}
          resetLabel="Clear answers"
          onReset={() => {
            setAnswers({});
            setDone(false);
          }}
        />
      </div>
      <p className="text-sm text-stone-700">Try the draft as it stands. Answers here are not saved.</p>
      {done && (
        <p role="status" className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold">
          All answers pass the questionnaire’s checks.
        </p>
      )}
      {compiles ? (
        <PreviewBoundary resetKey={form}>
          <FormRenderer
            form={form}
            answers={known}
            mode={mode}
            completeLabel="Check answers"
            onChange={(next) => {
              setAnswers(next);
              setDone(false);
            }}
            onComplete={() => setDone(true)}
          />
        </PreviewBoundary>
      ) : (
        <p className="rounded-md border border-dashed border-stone-400 p-6 text-center text-stone-800">
          Fix the problems to see the preview.
        </p>
      )}
    </section>
  );
});
