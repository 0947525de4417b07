import { useCallback, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, questionnaires, type Questionnaire } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import type { FormSchema, Question } from '../../../forms/engine';
import { useT } from '../../../i18n';
import { useDebounced } from '../../../lib/useDebounced';
import { BuilderTextField, ConfirmDialog, ProblemsContext } from './BuilderFields';
import { BuilderOutline } from './BuilderOutline';
import { BuilderPreview } from './BuilderPreview';
import { ChoiceListsEditor } from './ChoiceListsEditor';
import { fieldId, questionPath, sectionPath, setForm } from './draft';
import { IssueLinks } from './IssueLinks';
import { LeaveGuard } from './LeaveGuard';
import { analyse } from './problems';
import { QuestionnaireStatusBadge } from './QuestionnaireStatus';
import { SectionsEditor } from './SectionsEditor';
import { useBuilderActions, type Notice } from './useBuilderActions';
import { useFocusLater } from './useFocusLater';
import { VersionsTable } from './VersionsTable';

/** The pause after typing before expressions are checked and the preview redrawn. */
const CHECK_DELAY_MS = 200;
/** A form with more questions than this opens with only its first section unfolded. */
const LARGE_FORM = 30;

function initiallyCollapsed(form: FormSchema): ReadonlySet<number> {
  const questions = form.sections.reduce((n, s) => n + s.questions.length, 0);
  return new Set(questions > LARGE_FORM ? form.sections.map((_, si) => si).slice(1) : []);
}

export default function QuestionnaireBuilder() {
  const { id = '' } = useParams();
  const { t } = useT();
  const query = useQuery({
    queryKey: queryKeys.questionnaire(id),
    queryFn: ({ signal }) => questionnaires.get(id, signal),
    // The draft being edited lives in the page; a background refetch must not look like it changed.
    refetchOnWindowFocus: false,
  });

  if (query.isPending) {
    return (
      <>
        <PageHeading>{t('staff.admin.builder.questionnaire')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <>
        <PageHeading>
          {notFound ? t('staff.admin.builder.notFound') : t('staff.admin.builder.questionnaire')}
        </PageHeading>
        <div className="mt-6 max-w-2xl">
          {notFound ? (
            <p className="text-stone-800">{t('staff.admin.builder.notFoundBody')}</p>
          ) : (
            <Alert title={t('staff.admin.builder.loadFailed')}>
              <p>{errorMessage(query.error)}</p>
            </Alert>
          )}
          <p className="mt-4">
            <Link to="/admin/questionnaires" className="link">
              {t('staff.admin.builder.back')}
            </Link>
          </p>
        </div>
      </>
    );
  }
  return <Builder key={id} questionnaire={query.data.questionnaire} />;
}

function Builder({ questionnaire }: { questionnaire: Questionnaire }) {
  const id = questionnaire.id;
  const { t } = useT();
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
  // Folded sections (by index) show only their heading: 150 questions do not fit one page.
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => initiallyCollapsed(questionnaire.draft));
  const setFolded = useCallback((si: number, fold: boolean) => {
    setCollapsed((prev) => {
      if (prev.has(si) === fold) return prev;
      const next = new Set(prev);
      if (fold) next.add(si);
      else next.delete(si);
      return next;
    });
  }, []);
  const toggleSection = useCallback(
    (si: number) =>
      setCollapsed((prev) => {
        const next = new Set(prev);
        if (!next.delete(si)) next.add(si);
        return next;
      }),
    [],
  );

  // What the checks and the preview see: the draft as it was a moment ago, not every keystroke.
  const checked = useDebounced(draft, CHECK_DELAY_MS);
  const analysis = useMemo(() => analyse(checked), [checked]);
  const checking = checked !== draft;

  const focusLater = useFocusLater();

  /** Open the question a path is in, then focus the field (or the nearest thing that exists). */
  function focusPath(path: string) {
    const inSection = /^sections\.(\d+)/.exec(path);
    if (inSection) setFolded(Number(inSection[1]), false);
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

  function jumpToSection(si: number) {
    setFolded(si, false);
    focusLater(fieldId(sectionPath(si)));
  }
  function jumpToQuestion(si: number, qi: number) {
    const question = draft.sections[si]?.questions[qi];
    if (!question) return;
    setFolded(si, false);
    setOpen(question);
    focusLater(`${fieldId(questionPath(si, qi))}-toggle`);
  }

  const { save, publish, archive, busy } = useBuilderActions({
    id,
    dirty,
    onSaved: setSaved,
    setNotice,
    closeConfirm: () => setConfirm(null),
  });

  const summaryRef = useRef<HTMLElement>(null);
  // An archived questionnaire is kept as it is: the API refuses changes to it.
  const archived = questionnaire.status === 'archived';
  const nextVersion = (questionnaire.latestVersion ?? 0) + 1;

  function onPublishClick() {
    if (analysis.problems.length > 0) {
      setNotice({
        kind: 'error',
        title: t('staff.admin.builder.notPublished'),
        text: t('staff.admin.builder.fixFirst', { count: analysis.problems.length }),
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
          {t('staff.admin.builder.back')}
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <PageHeading title={t('staff.admin.builder.editTitle', { title: draft.title || questionnaire.title })}>
          {draft.title || questionnaire.title}
        </PageHeading>
        <QuestionnaireStatusBadge status={questionnaire.status} />
      </div>
      <p className="mt-1 text-stone-700">
        {t('staff.admin.builder.formId')} <span className="font-mono">{questionnaire.formId}</span>
        {questionnaire.latestVersion !== null && (
          <> · {t('staff.admin.builder.latestVersion', { version: questionnaire.latestVersion })}</>
        )}
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
                {t('staff.admin.builder.saveDraft')}
              </button>
              <button type="button" className="btn-secondary" onClick={onPublishClick}>
                {t('staff.admin.builder.publish')}
              </button>
            </>
          )}
          <a href={questionnaires.exportUrl(id)} className="btn-secondary" download>
            {t('staff.admin.builder.export')}
            <span className="sr-only"> {t('staff.admin.builder.exportSr')}</span>
          </a>
          {!archived && (
            <button type="button" className="btn-secondary" onClick={() => setConfirm('archive')}>
              {t('staff.admin.builder.archive')}
            </button>
          )}
          {!archived && (
            <p className="text-sm text-stone-800" aria-live="polite">
              {save.isPending
                ? t('staff.admin.builder.saving')
                : dirty
                  ? t('staff.admin.builder.unsaved')
                  : t('staff.admin.builder.allSaved')}
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
            {t('staff.admin.builder.archivedNote')}
          </p>
        )}

        <section
          ref={summaryRef}
          tabIndex={-1}
          aria-labelledby="problems-heading"
          className={`rounded-lg border p-4 ${analysis.problems.length ? 'border-red-300 bg-red-50' : 'border-stone-300 bg-white'}`}
        >
          <h2 id="problems-heading" className="text-lg font-bold">
            {t('staff.admin.builder.problems')}
            {analysis.problems.length > 0 && ` (${analysis.problems.length})`}
          </h2>
          {analysis.problems.length === 0 ? (
            <p className="mt-1 text-stone-800">
              {checking ? t('staff.admin.builder.noProblemsChecking') : t('staff.admin.builder.noProblems')}
            </p>
          ) : (
            <IssueLinks form={checked} issues={analysis.problems} onFocus={focusPath} />
          )}
        </section>
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-6" inert={archived}>
          <section id="form-settings" tabIndex={-1} className="card space-y-4" aria-labelledby="settings-heading">
            <h2 id="settings-heading" className="text-xl font-bold">
              {t('staff.admin.builder.questionnaire')}
            </h2>
            <BuilderTextField
              path="title"
              label={t('staff.admin.builder.titleField')}
              value={draft.title}
              onChange={(title) => edit((form) => setForm(form, { title }))}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <BuilderTextField
                path="formId"
                label={t('staff.admin.builder.formId')}
                hint={t('staff.admin.builder.formIdHint')}
                mono
                value={draft.formId}
                onChange={(formId) => edit((form) => setForm(form, { formId }))}
              />
              <BuilderTextField
                path="version"
                label={t('staff.admin.builder.versionLabel')}
                hint={t('staff.admin.builder.versionHint')}
                value={draft.version ?? ''}
                onChange={(version) => edit((form) => setForm(form, { version: version || undefined }))}
              />
            </div>
          </section>

          <BuilderOutline
            form={draft}
            collapsed={collapsed}
            onSection={jumpToSection}
            onQuestion={jumpToQuestion}
            onAll={(fold) => setCollapsed(new Set(fold ? draft.sections.map((_, si) => si) : []))}
          />

          <section aria-labelledby="sections-heading" className="space-y-4">
            <h2 id="sections-heading" className="text-xl font-bold">
              {t('staff.admin.builder.sectionsHeading')}
            </h2>
            <SectionsEditor
              form={draft}
              edit={edit}
              focusLater={focusLater}
              open={open}
              onOpen={setOpen}
              listNames={listNames}
              collapsed={collapsed}
              onToggle={toggleSection}
            />
          </section>

          <ChoiceListsEditor form={draft} edit={edit} focusLater={focusLater} />
        </div>

        <div className="min-w-0">
          <BuilderPreview form={checked} compiles={analysis.compiled !== null} />
        </div>
      </div>

      <VersionsTable questionnaire={questionnaire} />

      <ConfirmDialog
        open={confirm === 'publish'}
        title={t('staff.admin.builder.publishTitle', { version: nextVersion })}
        confirmLabel={t('staff.admin.builder.publishConfirm', { version: nextVersion })}
        busy={publish.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => publish.mutate(draft)}
      >
        <p>{t('staff.admin.builder.publishBody', { version: nextVersion })}</p>
        {dirty && <p>{t('staff.admin.builder.publishSavesFirst')}</p>}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'archive'}
        title={t('staff.admin.builder.archiveTitle')}
        confirmLabel={t('staff.admin.builder.archiveConfirm')}
        danger
        busy={archive.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => archive.mutate()}
      >
        <p>{t('staff.admin.builder.archiveBody')}</p>
      </ConfirmDialog>
      <LeaveGuard dirty={dirty} />
    </ProblemsContext>
  );
}
