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
  if (!user) return null;
  return (
    <>
      <PageHeading title="Surveys">Surveys</PageHeading>
      {flash?.queued !== undefined && (
        <div className="mt-4">
          <Success title={`Survey${flash.queued ? ` of ${flash.queued}` : ''} saved on this device.`}>
            <p>It is sent to the registry automatically whenever there is a network.</p>
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

  let body;
  if (assigned.isPending) body = <Loading label="Loading your questionnaire…" />;
  else if (assigned.isError) {
    body = (
      <Alert title="Could not load your questionnaire">
        <p>{errorMessage(assigned.error)}</p>
        <p>Open this page once while connected to the internet, then it works offline.</p>
      </Alert>
    );
  } else if (!assigned.data.form) {
    body = (
      <p className="text-stone-800">
        {assigned.data.assignment.questionnaireId
          ? 'Your questionnaire is not on this device yet. Connect to the internet and open this page again.'
          : 'No questionnaire has been assigned to field staff yet. Ask your supervisor or the registry team.'}
      </p>
    );
  } else {
    const stored = assigned.data.form;
    body = (
      <>
        <p className="text-lg font-semibold text-stone-900">{stored.form.title}</p>
        <p className="text-sm text-stone-700">
          Version {stored.version} · kept on this device for offline use
          {assigned.data.fromDevice ? ` (last checked ${formatDateTime(assigned.data.assignment.checkedAt)})` : ''}
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
              setStartError('The survey could not be saved on this device. Check the browser storage settings.');
              setStarting(false);
            }
          }}
        >
          Start new survey
        </button>
      </>
    );
  }
  return (
    <section aria-labelledby="assigned-heading" className="card mt-6">
      <h2 id="assigned-heading" className="sr-only">
        Your questionnaire
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
  const [error, setError] = useState<string | null>(null);
  const sent = new Set((outbox.data ?? []).flatMap((o) => (o.body.replaces ? [o.body.replaces] : [])));
  const items = (corrections.data?.items ?? []).filter((c) => !sent.has(c.id));
  if (items.length === 0) return null;

  async function open(returned: ReturnedSurvey) {
    setError(null);
    // The version it answered when the device has it, else the questionnaire now assigned.
    const stored = (await getForm(returned.questionnaireVersionId)) ?? assigned.data?.form ?? null;
    if (!stored) {
      setError('The questionnaire is not on this device yet. Connect to the internet and open this page again.');
      return;
    }
    const draft = await createCorrectionDraft(userId, returned, stored);
    navigate(`/collect/survey/${draft.id}`);
  }

  return (
    <section aria-labelledby="corrections-heading" className="card mt-6 border-amber-600">
      <h2 id="corrections-heading" className="text-xl font-bold">
        Needs correction ({items.length})
      </h2>
      {corrections.data?.fromDevice && (
        <p className="mt-1 text-sm text-stone-700">As the registry reported when last connected.</p>
      )}
      {error && (
        <div className="mt-3">
          <Alert>
            <p>{error}</p>
          </Alert>
        </div>
      )}
      <ul className="mt-3 space-y-3">
        {items.map((c) => {
          const who = whoOf(nameIn(c.answers));
          const inProgress = (drafts.data ?? []).some((d) => d.replaces === c.id);
          return (
            <li key={c.id} className="rounded-lg border border-stone-300 p-3" data-correction={c.id}>
              <p className="font-semibold break-words">{who}</p>
              <p className="text-sm text-stone-700">Completed {formatDateTime(c.completedAt)}</p>
              <p className="mt-2 break-words text-stone-900">
                <span className="font-semibold">Supervisor&rsquo;s comment:</span> {c.comment}
              </p>
              <button type="button" className="btn-primary mt-3 w-full sm:w-auto" onClick={() => void open(c)}>
                {inProgress ? 'Resume correction' : 'Correct survey'}
                <span className="sr-only"> of {who}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function whoOf(summary: string): string {
  return summary || 'Respondent not named yet';
}

function Drafts({ userId }: { userId: string }) {
  const drafts = useDrafts(userId);
  const items = drafts.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="drafts-heading" className="mt-8">
      <h2 id="drafts-heading" className="text-xl font-bold">
        In progress ({items.length})
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
  const who = whoOf(draft.summary ?? '');
  const where =
    draft.stage === 'review'
      ? 'Answers complete — ready to review and submit'
      : `At question ${draft.at.number}${draft.at.label ? `: ${draft.at.label}` : ''}`;
  return (
    <li className="card flex flex-wrap items-center justify-between gap-3" data-draft={draft.id}>
      <div>
        <p className="font-semibold">{who}</p>
        <p className="text-stone-800">{where}</p>
        <p className="text-sm text-stone-700">Started {formatDateTime(draft.startedAt)}</p>
      </div>
      <div className="flex gap-2">
        <Link to={`/collect/survey/${draft.id}`} className="btn-primary">
          Resume<span className="sr-only"> the survey of {who}</span>
        </Link>
        <button
          type="button"
          className="btn-secondary"
          onClick={() => {
            if (window.confirm(`Delete the unfinished survey of ${who}? Its answers cannot be recovered.`)) {
              void deleteDraft(draft.id);
            }
          }}
        >
          Delete<span className="sr-only"> the survey of {who}</span>
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
  const items = outbox.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="outbox-heading" className="mt-8">
      <h2 id="outbox-heading" className="text-xl font-bold">
        Waiting to send ({items.length})
      </h2>
      <p className="mt-1 text-sm text-stone-700">
        {sync.online ? 'Sent automatically while connected.' : 'Sent when the network returns.'}
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
  const who = whoOf(item.summary);
  return (
    <li
      className={`card ${item.state === 'attention' ? 'border-red-700' : ''}`}
      data-outbox={item.id}
      data-state={item.state}
    >
      <p className="font-semibold">{who}</p>
      <p className="text-sm text-stone-700">Completed {formatDateTime(item.body.completedAt)}</p>
      {item.state === 'attention' ? (
        <>
          <p className="mt-2 font-semibold text-red-800">Needs attention: the registry refused this survey.</p>
          <p className="text-red-900">{errorText(item.error)}</p>
          <div className="mt-3 flex flex-wrap gap-2">
            <button type="button" className="btn-secondary" onClick={onEdit}>
              Change answers<span className="sr-only"> of {who}</span>
            </button>
            <button type="button" className="btn-secondary" onClick={onRetry}>
              Try again<span className="sr-only"> to send the survey of {who}</span>
            </button>
          </div>
        </>
      ) : item.error ? (
        <p className="mt-2 text-red-900">Refused last time ({errorText(item.error)}); it will be tried again.</p>
      ) : null}
    </li>
  );
}

const STATUS_LABEL: Record<RecentSubmission['status'], string> = {
  awaiting_files: 'Sending files',
  received: 'Received',
  ingested: 'Ingested',
  rejected: 'Rejected',
};
const STATUS_HINT: Record<RecentSubmission['status'], string> = {
  awaiting_files: 'its photos or files are still on the way',
  received: 'the registry is checking it',
  ingested: 'in the registry',
  rejected: 'not added to the registry',
};
const STATUS_TONE: Record<RecentSubmission['status'], string> = {
  awaiting_files: 'bg-amber-100 text-amber-950',
  received: 'bg-sky-100 text-sky-950',
  ingested: 'bg-green-100 text-green-950',
  rejected: 'bg-red-100 text-red-950',
};

const REVIEW_LABEL: Record<NonNullable<RecentSubmission['review']>['status'], string> = {
  pending: 'Not reviewed yet',
  approved: 'Approved by your supervisor',
  rejected: 'Rejected by your supervisor',
  returned: 'Returned for correction',
  superseded: 'Replaced by your correction',
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
  return (
    <section aria-labelledby="recent-heading" className="mt-8">
      <h2 id="recent-heading" className="text-xl font-bold">
        Recent submissions
      </h2>
      {recent.data?.fromDevice && (
        <p className="mt-1 text-sm text-stone-700">
          {recent.data.fetchedAt
            ? `As the registry reported at ${formatDateTime(recent.data.fetchedAt)} (offline).`
            : 'Not checked with the registry yet (offline).'}
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
        <p className="mt-3 text-stone-800">{recent.isPending ? 'Loading…' : 'Nothing sent yet.'}</p>
      ) : (
        <ul
          className="mt-3 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
          aria-label="Recent submissions"
        >
          {rows.map((row) => (
            <li key={row.id} className="px-4 py-3" data-submission={row.id} data-status={row.status}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-semibold">{whoOf(row.summary)}</span>
                <span className={`rounded-full px-3 py-0.5 text-sm font-semibold ${STATUS_TONE[row.status]}`}>
                  {STATUS_LABEL[row.status]}
                  <span className="sr-only">: {STATUS_HINT[row.status]}</span>
                </span>
              </div>
              <p className="text-sm text-stone-700">Completed {formatDateTime(row.completedAt)}</p>
              {row.review && row.review.status !== 'pending' && (
                <p className="mt-1 text-sm break-words text-stone-800" data-review={row.review.status}>
                  {REVIEW_LABEL[row.review.status]}
                  {row.review.comment ? `: ${row.review.comment}` : ''}
                </p>
              )}
              {row.status === 'rejected' && row.error && (
                <p className="mt-1 text-red-900">Reason: {errorText(row.error)}</p>
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
