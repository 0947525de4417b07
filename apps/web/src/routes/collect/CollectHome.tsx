import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import {
  fieldKeys,
  useAssignedForm,
  useCorrections,
  useDrafts,
  useOutbox,
  useReceipts,
  useRecentSubmissions,
  useStorageStatus,
  useSyncState,
} from '../../offline/hooks';
import { askPersistentStorage } from '../../offline/storage';
import { useT } from '../../i18n';
import { useQueryClient } from '@tanstack/react-query';
import {
  createCorrectionDraft,
  createDraft,
  deleteDraft,
  getForm,
  reopenOutboxItem,
  retryOutboxItem,
} from '../../offline/store';
import { syncNow } from '../../offline/sync';
import { FieldDashboardCard } from './FieldDashboardCard';
import type {
  Draft,
  OutboxItem,
  Receipt,
  RecentSubmission,
  ReturnedSurvey,
  SubmissionError,
} from '../../offline/types';

export interface CollectFlash {
  queued?: string;
}

export default function CollectHome() {
  const { user } = useAuth();
  const location = useLocation();
  const flash = (location.state as CollectFlash | null) ?? null;
  const { t } = useT();
  if (!user) return null;
  return (
    <>
      <PageHeading title={t('collect.home.title')}>{t('collect.home.title')}</PageHeading>
      {flash?.queued !== undefined && (
        <div className="mt-4">
          <Success
            title={flash.queued ? t('collect.home.savedNamed', { name: flash.queued }) : t('collect.home.saved')}
          >
            <p>{t('collect.home.savedBody')}</p>
          </Success>
        </div>
      )}
      {user.role === 'enumerator' && <FieldDashboardCard userId={user.id} />}
      <NeedsCorrection userId={user.id} />
      <Assigned userId={user.id} />
      <Drafts userId={user.id} />
      <Outbox userId={user.id} />
      <Recent userId={user.id} />
      <StorageNote />
    </>
  );
}

function Assigned({ userId }: { userId: string }) {
  const assigned = useAssignedForm();
  const navigate = useNavigate();
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const { t } = useT();

  let body;
  if (assigned.isPending) body = <Loading label={t('collect.home.loadingForm')} />;
  else if (assigned.isError) {
    body = (
      <Alert title={t('collect.home.formFailed')}>
        <p>{errorMessage(assigned.error)}</p>
        <p>{t('collect.home.formFailedBody')}</p>
      </Alert>
    );
  } else if (!assigned.data.form) {
    body = (
      <p className="text-stone-800">
        {assigned.data.assignment.questionnaireId ? t('collect.home.formNotHere') : t('collect.home.noForm')}
      </p>
    );
  } else {
    const stored = assigned.data.form;
    body = (
      <>
        <p className="text-lg font-semibold text-stone-900">{stored.form.title}</p>
        <p className="text-sm text-stone-700">
          {t('collect.home.version', { version: stored.version })}
          {assigned.data.fromDevice
            ? ` ${t('collect.home.lastChecked', { when: formatDateTime(assigned.data.assignment.checkedAt) })}`
            : ''}
        </p>
        {startError && (
          <div className="mt-3">
            <Alert>
              <p>{startError}</p>
            </Alert>
          </div>
        )}
        <button
          type="button"
          className="btn-primary mt-4 w-full sm:w-auto"
          disabled={starting}
          onClick={async () => {
            setStarting(true);
            setStartError(null);
            try {
              const draft = await createDraft(userId, stored);
              navigate(`/collect/survey/${draft.id}`);
            } catch {
              setStartError(t('collect.home.startFailed'));
              setStarting(false);
            }
          }}
        >
          {t('collect.home.start')}
        </button>
      </>
    );
  }
  return (
    <section aria-labelledby="assigned-heading" className="card mt-6">
      <h2 id="assigned-heading" className="sr-only">
        {t('collect.home.assignedHeading')}
      </h2>
      {body}
    </section>
  );
}

function nameIn(answers: Record<string, unknown>): string {
  return [answers.surname, answers.firstname].filter((v) => typeof v === 'string' && v.trim()).join(' ');
}

/** Surveys a supervisor returned: read the comment, open the survey pre-filled, correct and submit. */
function NeedsCorrection({ userId }: { userId: string }) {
  const corrections = useCorrections(userId);
  const drafts = useDrafts(userId);
  const outbox = useOutbox(userId);
  const assigned = useAssignedForm();
  const navigate = useNavigate();
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const sent = new Set((outbox.data ?? []).flatMap((o) => (o.body.replaces ? [o.body.replaces] : [])));
  const items = (corrections.data?.items ?? []).filter((c) => !sent.has(c.id));
  if (items.length === 0) return null;

  async function open(returned: ReturnedSurvey) {
    setError(null);
    // The version it answered when the device has it, else the questionnaire now assigned.
    const stored = (await getForm(returned.questionnaireVersionId)) ?? assigned.data?.form ?? null;
    if (!stored) {
      setError(t('collect.home.correctionFormMissing'));
      return;
    }
    const draft = await createCorrectionDraft(userId, returned, stored);
    navigate(`/collect/survey/${draft.id}`);
  }

  return (
    <section aria-labelledby="corrections-heading" className="card mt-6 border-amber-600">
      <h2 id="corrections-heading" className="text-xl font-bold">
        {t('collect.home.corrections', { count: items.length })}
      </h2>
      {corrections.data?.fromDevice && <p className="mt-1 text-sm text-stone-700">{t('collect.home.asReported')}</p>}
      {error && (
        <div className="mt-3">
          <Alert>
            <p>{error}</p>
          </Alert>
        </div>
      )}
      <ul className="mt-3 space-y-3">
        {items.map((c) => {
          const who = nameIn(c.answers) || t('collect.home.unnamed');
          const inProgress = (drafts.data ?? []).some((d) => d.replaces === c.id);
          return (
            <li key={c.id} className="rounded-lg border border-stone-300 p-3" data-correction={c.id}>
              <p className="font-semibold break-words">{who}</p>
              <p className="text-sm text-stone-700">
                {t('collect.home.completed', { when: formatDateTime(c.completedAt) })}
              </p>
              <p className="mt-2 break-words text-stone-900">
                <span className="font-semibold">{t('collect.home.supervisorComment')}</span> {c.comment}
              </p>
              <button type="button" className="btn-primary mt-3 w-full sm:w-auto" onClick={() => void open(c)}>
                {inProgress ? t('collect.home.resumeCorrection') : t('collect.home.correct')}
                <span className="sr-only"> {t('collect.home.ofWho', { name: who })}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function useWhoOf(): (summary: string) => string {
  const { t } = useT();
  return (summary) => summary || t('collect.home.unnamed');
}

function Drafts({ userId }: { userId: string }) {
  const { t } = useT();
  const drafts = useDrafts(userId);
  const items = drafts.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="drafts-heading" className="mt-8">
      <h2 id="drafts-heading" className="text-xl font-bold">
        {t('collect.home.drafts', { count: items.length })}
      </h2>
      <ul className="mt-3 space-y-3">
        {items.map((draft) => (
          <DraftRow key={draft.id} draft={draft} />
        ))}
      </ul>
    </section>
  );
}

function DraftRow({ draft }: { draft: Draft }) {
  const { t } = useT();
  const who = useWhoOf()(draft.summary ?? '');
  const where =
    draft.stage === 'review'
      ? t('collect.home.readyToReview')
      : draft.at.label
        ? t('collect.home.atQuestionNamed', { number: draft.at.number, label: draft.at.label })
        : t('collect.home.atQuestion', { number: draft.at.number });
  return (
    <li className="card flex flex-wrap items-center justify-between gap-3" data-draft={draft.id}>
      <div>
        <p className="font-semibold">{who}</p>
        <p className="text-stone-800">{where}</p>
        <p className="text-sm text-stone-700">{t('collect.home.started', { when: formatDateTime(draft.startedAt) })}</p>
      </div>
      <div className="flex gap-2">
        <Link to={`/collect/survey/${draft.id}`} className="btn-primary">
          {t('collect.home.resume')}
          <span className="sr-only"> {t('collect.home.theSurveyOf', { name: who })}</span>
        </Link>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => {
            if (window.confirm(t('collect.home.deleteConfirm', { name: who }))) {
              void deleteDraft(draft.id);
            }
          }}
        >
          {t('collect.home.delete')}
          <span className="sr-only"> {t('collect.home.theSurveyOf', { name: who })}</span>
        </button>
      </div>
    </li>
  );
}

function errorText(error: SubmissionError | undefined): string {
  if (!error) return '';
  const issues = (error.details as { errors?: { field: string; message: string }[] } | undefined)?.errors;
  if (Array.isArray(issues) && issues.length > 0) {
    return `${error.message}: ${issues
      .slice(0, 3)
      .map((i) => `${i.field} — ${i.message}`)
      .join('; ')}`;
  }
  return error.message;
}

function Outbox({ userId }: { userId: string }) {
  const outbox = useOutbox(userId);
  const sync = useSyncState();
  const navigate = useNavigate();
  const { t } = useT();
  const items = outbox.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="outbox-heading" className="mt-8">
      <h2 id="outbox-heading" className="text-xl font-bold">
        {t('collect.home.outbox', { count: items.length })}
      </h2>
      <p className="mt-1 text-sm text-stone-700">
        {sync.online ? t('collect.home.sentOnline') : t('collect.home.sentOffline')}
      </p>
      <ul className="mt-3 space-y-3">
        {items.map((item) => (
          <OutboxRow
            key={item.id}
            item={item}
            onRetry={async () => {
              await retryOutboxItem(item.id);
              void syncNow({ manual: true });
            }}
            onEdit={async () => {
              const draft = await reopenOutboxItem(item.id);
              if (draft) navigate(`/collect/survey/${draft.id}`);
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function OutboxRow({ item, onRetry, onEdit }: { item: OutboxItem; onRetry: () => void; onEdit: () => void }) {
  const { t } = useT();
  const who = useWhoOf()(item.summary);
  return (
    <li
      className={`card ${item.state === 'attention' ? 'border-red-700' : ''}`}
      data-outbox={item.id}
      data-state={item.state}
    >
      <p className="font-semibold">{who}</p>
      <p className="text-sm text-stone-700">
        {t('collect.home.completed', { when: formatDateTime(item.body.completedAt) })}
      </p>
      {item.state === 'attention' ? (
        <>
          <p className="mt-2 font-semibold text-red-800">{t('collect.home.needsAttention')}</p>
          <p className="text-red-900">{errorText(item.error)}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <button type="button" className="btn-secondary" onClick={onEdit}>
              {t('collect.home.changeAnswers')}
              <span className="sr-only"> {t('collect.home.ofWho', { name: who })}</span>
            </button>
            <button type="button" className="btn-secondary" onClick={onRetry}>
              {t('collect.home.tryAgain')}
              <span className="sr-only"> {t('collect.home.tryAgainHint', { name: who })}</span>
            </button>
          </div>
        </>
      ) : item.error ? (
        <p className="mt-2 text-red-900">{t('collect.home.refusedLastTime', { error: errorText(item.error) })}</p>
      ) : null}
    </li>
  );
}

const STATUS_TONE: Record<RecentSubmission['status'], string> = {
  awaiting_files: 'bg-amber-100 text-amber-950',
  received: 'bg-sky-100 text-sky-950',
  ingested: 'bg-green-100 text-green-950',
  rejected: 'bg-red-100 text-red-950',
};

interface RecentRow {
  id: string;
  status: RecentSubmission['status'];
  review?: RecentSubmission['review'];
  error?: SubmissionError;
  completedAt: string;
  summary: string;
}

/** The registry's list, named from this device's receipts, plus receipts the list does not show yet. */
function mergeRecent(server: RecentSubmission[], receipts: Receipt[]): RecentRow[] {
  const byId = new Map(receipts.map((r) => [r.id, r]));
  const rows: RecentRow[] = server.map((s) => ({
    id: s.id,
    status: s.status,
    review: s.review,
    error: s.error,
    completedAt: s.completedAt,
    summary: byId.get(s.id)?.summary ?? '',
  }));
  const listed = new Set(server.map((s) => s.id));
  const oldest = server.length ? server[server.length - 1]!.completedAt : '';
  for (const r of receipts) {
    if (!listed.has(r.id) && r.completedAt >= oldest) rows.push({ ...r });
  }
  return rows.sort((a, b) => b.completedAt.localeCompare(a.completedAt)).slice(0, 20);
}

function Recent({ userId }: { userId: string }) {
  const recent = useRecentSubmissions(userId);
  const receipts = useReceipts(userId);
  const rows = mergeRecent(recent.data?.items ?? [], receipts.data ?? []);
  const { t } = useT();
  const whoOf = useWhoOf();
  return (
    <section aria-labelledby="recent-heading" className="mt-8">
      <h2 id="recent-heading" className="text-xl font-bold">
        {t('collect.home.recent')}
      </h2>
      {recent.data?.fromDevice && (
        <p className="mt-1 text-sm text-stone-700">
          {recent.data.fetchedAt
            ? t('collect.home.recentAsOf', { when: formatDateTime(recent.data.fetchedAt) })
            : t('collect.home.recentNotChecked')}
        </p>
      )}
      {recent.isError && (
        <div className="mt-3">
          <Alert>
            <p>{errorMessage(recent.error)}</p>
          </Alert>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="mt-3 text-stone-800">{recent.isPending ? t('common.loading') : t('collect.home.nothingSent')}</p>
      ) : (
        <ul
          className="mt-3 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label={t('collect.home.recent')}
        >
          {rows.map((row) => (
            <li key={row.id} className="px-4 py-3" data-submission={row.id} data-status={row.status}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-semibold">{whoOf(row.summary)}</span>
                <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${STATUS_TONE[row.status]}`}>
                  {t(`collect.home.status.${row.status}`)}
                  <span className="sr-only">: {t(`collect.home.statusHint.${row.status}`)}</span>
                </span>
              </div>
              <p className="text-sm text-stone-700">
                {t('collect.home.completed', { when: formatDateTime(row.completedAt) })}
              </p>
              {row.review && row.review.status !== 'pending' && (
                <p className="mt-1 text-sm break-words text-stone-800" data-review={row.review.status}>
                  {t(`collect.home.review.${row.review.status}`)}
                  {row.review.comment ? `: ${row.review.comment}` : ''}
                </p>
              )}
              {row.status === 'rejected' && row.error && (
                <p className="mt-1 text-red-900">{t('collect.home.reason', { reason: errorText(row.error) })}</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * Whether the surveys kept on this phone are safe from the browser's clean-up, in words an enumerator
 * can act on: what could happen, and what to do about it (send often, install the app, keep space free).
 */
function StorageNote() {
  const { t, number } = useT();
  const storage = useStorageStatus();
  const queryClient = useQueryClient();
  const [asked, setAsked] = useState<boolean | null>(null);
  if (!storage.data || storage.data.persisted === null) return null;
  const { persisted, usage } = storage.data;
  const used =
    usage !== undefined
      ? t('collect.storage.used', { mb: number(usage / 1024 / 1024, { maximumFractionDigits: 1 }) })
      : '';
  if (persisted) {
    return (
      <p className="mt-8 text-sm text-stone-700" data-persisted="true">
        {t('collect.storage.protected')} {used}
      </p>
    );
  }
  return (
    <section
      className="card mt-8 border-amber-600 bg-amber-50"
      aria-labelledby="storage-heading"
      data-persisted="false"
    >
      <h2 id="storage-heading" className="text-lg font-bold text-stone-900">
        {t('collect.storage.atRiskTitle')}
      </h2>
      <p className="mt-2 text-stone-800">{t('collect.storage.atRiskBody')}</p>
      <p className="mt-2 font-semibold text-stone-900">{t('collect.storage.whatToDo')}</p>
      <ul className="mt-1 list-disc space-y-1 pl-6 text-stone-800">
        <li>{t('collect.storage.sendOften')}</li>
        <li>{t('collect.storage.install')}</li>
        <li>{t('collect.storage.space')}</li>
      </ul>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="btn-secondary"
          onClick={() =>
            void askPersistentStorage().then((granted) => {
              setAsked(granted);
              if (granted) void queryClient.invalidateQueries({ queryKey: fieldKeys.storage });
            })
          }
        >
          {t('collect.storage.ask')}
        </button>
        {asked === false && (
          <p role="status" className="text-sm text-stone-800">
            {t('collect.storage.refused')}
          </p>
        )}
      </div>
      {used && <p className="mt-2 text-sm text-stone-700">{used}</p>}
    </section>
  );
}
