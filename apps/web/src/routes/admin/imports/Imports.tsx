import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  IMPORT_FIELDS,
  type ImportBatch,
  type ImportField,
  type ImportMapping,
  type ImportSkipReason,
  type ImportState,
} from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { jobs, queryKeys } from '../../../api/endpoints';
import { importsApi, partnerQueryKeys } from '../../../api/partners';
import { Alert, Success } from '../../../components/Alert';
import { TextField } from '../../../components/Field';
import { UPLOAD_MAX_BYTES } from '../../../components/FileUploadPanel';
import { PageHeading } from '../../../components/Page';
import { t, useT } from '../../../i18n';

/** Why a row is skipped, in the active language (read at render time). */
const REASONS: Record<ImportSkipReason, () => string> = {
  nin_invalid: () => t('staff.admin.imports.reason.nin_invalid'),
  phone_invalid: () => t('staff.admin.imports.reason.phone_invalid'),
  lga_invalid: () => t('staff.admin.imports.reason.lga_invalid'),
  date_invalid: () => t('staff.admin.imports.reason.date_invalid'),
  name_missing: () => t('staff.admin.imports.reason.name_missing'),
  gender_invalid: () => t('staff.admin.imports.reason.gender_invalid'),
  email_invalid: () => t('staff.admin.imports.reason.email_invalid'),
  nin_duplicate_registry: () => t('staff.admin.imports.reason.nin_duplicate_registry'),
  nin_duplicate_file: () => t('staff.admin.imports.reason.nin_duplicate_file'),
  nin_staff: () => t('staff.admin.imports.reason.nin_staff'),
  likely_duplicate_phone: () => t('staff.admin.imports.reason.likely_duplicate_phone'),
  likely_duplicate_name: () => t('staff.admin.imports.reason.likely_duplicate_name'),
  likely_duplicate_file: () => t('staff.admin.imports.reason.likely_duplicate_file'),
};
const reasonLabel = (r: string) => REASONS[r as ImportSkipReason]?.() ?? r;

const STATES: Record<ImportState, () => string> = {
  dry_run: () => t('staff.admin.imports.state.dry_run'),
  confirming: () => t('staff.admin.imports.state.confirming'),
  confirmed: () => t('staff.admin.imports.state.confirmed'),
  rolled_back: () => t('staff.admin.imports.state.rolled_back'),
  failed: () => t('staff.admin.imports.state.failed'),
};
const stateLabel = (s: string) => STATES[s as ImportState]?.() ?? s.replace('_', ' ');
const POLL_MS = 400;

/** Columns the file has, when the registry asked for a mapping. */
function headerOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'IMPORT_MAPPING_INVALID') return null;
  const header = (error.details as { header?: unknown } | undefined)?.header;
  return Array.isArray(header) ? header.map(String) : null;
}

/** Step 1 and 2: the file and its source; then, if its columns are not field names, the mapping. */
function UploadStep({ onDryRun }: { onDryRun: (batch: ImportBatch) => void }) {
  const { t } = useT();
  const [file, setFile] = useState<File | undefined>();
  const [source, setSource] = useState('');
  const [mapping, setMapping] = useState<Record<string, ImportField | ''>>({});
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  const [sourceProblem, setSourceProblem] = useState<string>();
  const upload = useMutation({
    mutationFn: (withMapping: boolean) => {
      const chosen = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f)) as ImportMapping;
      return importsApi.upload({ file: file!, source, mapping: withMapping ? chosen : undefined });
    },
    onSuccess: ({ batch }) => onDryRun(batch),
  });
  const header = headerOf(upload.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = source.trim();
    const sourceWrong = trimmed.length < 2 || trimmed.length > 120;
    setSourceProblem(sourceWrong ? t('staff.admin.imports.errSource') : undefined);
    if (!file) return setFileProblem(t('staff.admin.imports.errFile'));
    if (file.size > UPLOAD_MAX_BYTES) return setFileProblem(t('staff.admin.import.fileTooLarge'));
    setFileProblem(undefined);
    if (sourceWrong) return;
    upload.mutate(header !== null);
  };
  return (
    <form className="card mt-6 space-y-4" onSubmit={submit} noValidate aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="text-xl font-bold">
        {header ? t('staff.admin.imports.stepMap') : t('staff.admin.imports.stepUpload')}
      </h2>
      {!header && (
        <>
          <TextField
            label={t('staff.admin.imports.source')}
            value={source}
            onChange={(e) => setSource(e.target.value)}
            required
            maxLength={120}
            error={sourceProblem}
            hint={t('staff.admin.imports.sourceHint')}
          />
          <div>
            <label htmlFor="import-file" className="label">
              {t('staff.admin.imports.file')}
            </label>
            <span className="hint">{t('staff.admin.imports.fileHint', { fields: IMPORT_FIELDS.join(', ') })}</span>
            <input
              id="import-file"
              type="file"
              accept=".csv,.xlsx,text/csv"
              className="mt-1 block w-full"
              onChange={(e) => setFile(e.target.files?.[0])}
            />
            {fileProblem && (
              <span role="alert" className="field-error">
                {fileProblem}
              </span>
            )}
          </div>
        </>
      )}
      {header && (
        <div className="space-y-2">
          <p>{t('staff.admin.imports.mapIntro')}</p>
          {header.map((column) => (
            <label key={column} className="grid grid-cols-1 items-center gap-1 sm:grid-cols-2">
              <span className="font-semibold">{column || t('staff.admin.imports.noName')}</span>
              <select
                aria-label={t('staff.admin.imports.fieldFor', { column })}
                className="input"
                value={mapping[column] ?? ''}
                onChange={(e) => setMapping((m) => ({ ...m, [column]: e.target.value as ImportField | '' }))}
              >
                <option value="">{t('staff.admin.imports.ignore')}</option>
                {IMPORT_FIELDS.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {upload.isError && (
        <Alert title={header ? t('staff.admin.imports.mapToContinue') : t('staff.admin.imports.notAccepted')}>
          <p>{errorMessage(upload.error)}</p>
        </Alert>
      )}
      <button type="submit" className="btn-primary" disabled={upload.isPending}>
        {upload.isPending ? t('staff.admin.imports.checking') : t('staff.admin.imports.dryRun')}
      </button>
    </form>
  );
}

/** Step 3: what would happen, row by row; step 4: confirm. */
function Report({ batch, onConfirmed }: { batch: ImportBatch; onConfirmed: (jobId: string) => void }) {
  const { t, number } = useT();
  const client = useQueryClient();
  const skipped = useQuery({
    queryKey: partnerQueryKeys.rows(batch.id, 'skip'),
    queryFn: ({ signal }) => importsApi.rows(batch.id, { outcome: 'skip', pageSize: 100 }, signal),
    enabled: batch.skipped > 0,
  });
  const confirm = useMutation({
    mutationFn: () => importsApi.confirm(batch.id),
    onSuccess: ({ job }) => {
      client.setQueryData(queryKeys.job(job.id), { job });
      void client.invalidateQueries({ queryKey: partnerQueryKeys.imports });
      onConfirmed(job.id);
    },
  });
  return (
    <section className="card mt-6 space-y-4" aria-labelledby="report-heading">
      <h2 id="report-heading" className="text-xl font-bold">
        {t('staff.admin.imports.stepReport', { file: batch.fileName ?? t('staff.admin.imports.theFile') })}
      </h2>
      <p className="text-lg" data-testid="dry-run-totals">
        <strong data-testid="to-create">{number(batch.toCreate)}</strong> {t('staff.admin.imports.toCreate')} ·{' '}
        <strong data-testid="skipped">{number(batch.skipped)}</strong> {t('staff.admin.imports.skipped')} ·{' '}
        {t('staff.admin.imports.rows', { count: batch.total })}
      </p>
      {Object.keys(batch.reasons).length > 0 && (
        <ul className="list-disc pl-6" data-testid="reasons">
          {Object.entries(batch.reasons).map(([r, n]) => (
            <li key={r}>
              {reasonLabel(r)}: {number(n)}
            </li>
          ))}
        </ul>
      )}
      <a className="underline" href={importsApi.reportUrl(batch.id)} download>
        {t('staff.admin.imports.report')}
      </a>
      {skipped.data && skipped.data.items.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="text-left font-semibold">{t('staff.admin.imports.skippedRows')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.admin.imports.colLine')}</th>
                <th scope="col">{t('staff.admin.imports.colWhy')}</th>
              </tr>
            </thead>
            <tbody>
              {skipped.data.items.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{r.reasons.map(reasonLabel).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {batch.state === 'dry_run' && (
        <>
          {confirm.isError && <Alert>{errorMessage(confirm.error)}</Alert>}
          <button
            type="button"
            className="btn-primary"
            disabled={confirm.isPending || batch.toCreate === 0}
            onClick={() => confirm.mutate()}
          >
            {t('staff.admin.imports.confirm', { count: batch.toCreate })}
          </button>
        </>
      )}
    </section>
  );
}

/** Step 4: the confirm job's progress, then its result. */
function Progress({ jobId, batchId }: { jobId: string; batchId: string }) {
  const { t } = useT();
  const client = useQueryClient();
  const job = useQuery({
    queryKey: queryKeys.job(jobId),
    queryFn: ({ signal }) => jobs.get(jobId, signal),
    refetchInterval: (q) => {
      const s = q.state.data?.job.state;
      if (s === 'completed' || s === 'failed') {
        void client.invalidateQueries({ queryKey: partnerQueryKeys.batch(batchId) });
        void client.invalidateQueries({ queryKey: partnerQueryKeys.imports });
        return false;
      }
      return POLL_MS;
    },
  });
  const j = job.data?.job;
  if (!j) return <p className="mt-6">{t('staff.admin.imports.starting')}</p>;
  const working = j.state === 'queued' || j.state === 'running';
  return (
    <section className="card mt-6 space-y-3">
      <h2 className="text-xl font-bold">
        {working
          ? t('staff.admin.imports.creating')
          : j.state === 'completed'
            ? t('staff.admin.import.finished')
            : t('staff.admin.import.failed')}
      </h2>
      <progress
        aria-label={t('staff.admin.import.progress')}
        max={Math.max(j.total, 1)}
        value={Math.min(j.processed, j.total)}
      />
      <p data-testid="job-progress">{t('staff.admin.import.rowsOf', { processed: j.processed, total: j.total })}</p>
      {j.state === 'completed' && (
        <Success title={t('staff.admin.imports.created', { count: j.succeeded })}>
          {j.failed > 0 && <p>{t('staff.admin.imports.changedSince', { count: j.failed })}</p>}
        </Success>
      )}
      {j.state === 'failed' && <Alert>{j.error}</Alert>}
    </section>
  );
}

function History() {
  const { t, date } = useT();
  const client = useQueryClient();
  const list = useQuery({ queryKey: partnerQueryKeys.imports, queryFn: ({ signal }) => importsApi.list(signal) });
  const rollback = useMutation({
    mutationFn: (id: string) => importsApi.rollback(id),
    onSettled: () => void client.invalidateQueries({ queryKey: partnerQueryKeys.imports }),
  });
  return (
    <section className="mt-10" aria-labelledby="history-heading">
      <h2 id="history-heading" className="text-xl font-bold">
        {t('staff.admin.imports.history')}
      </h2>
      {rollback.isError && <Alert>{errorMessage(rollback.error)}</Alert>}
      <ul className="mt-3 space-y-3">
        {list.data?.items.map((b) => (
          <li key={b.id} className="card space-y-1" data-testid={`batch-${b.id}`}>
            <p className="font-semibold">
              {b.source} — {b.fileName ?? t('staff.admin.imports.file1')}{' '}
              <span className="rounded bg-stone-100 px-2 py-0.5 text-sm font-normal" data-testid="batch-state">
                {stateLabel(b.state)}
              </span>
            </p>
            <p className="text-sm">
              {date(b.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}:{' '}
              {b.state !== 'dry_run'
                ? t('staff.admin.imports.summaryCreated', {
                    total: b.total,
                    toCreate: b.toCreate,
                    skipped: b.skipped,
                    created: b.created,
                  })
                : t('staff.admin.imports.summary', { total: b.total, toCreate: b.toCreate, skipped: b.skipped })}
            </p>
            {b.rollback && (
              <p className="text-sm" data-testid="rollback-report">
                {t('staff.admin.imports.rolledBack', { removed: b.rollback.removed })}
                {b.rollback.kept.length > 0 && t('staff.admin.imports.kept', { count: b.rollback.kept.length })}
              </p>
            )}
            {b.state === 'confirmed' && (
              <button
                type="button"
                className="btn-danger"
                disabled={rollback.isPending}
                onClick={() => {
                  if (window.confirm(t('staff.admin.imports.rollbackConfirm', { count: b.created })))
                    rollback.mutate(b.id);
                }}
              >
                {t('staff.admin.imports.rollback')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The import wizard: upload → map columns → dry run → confirm with progress; history with rollback. */
export default function Imports() {
  const { t } = useT();
  const [params, setParams] = useSearchParams();
  const batchId = params.get('batch');
  const jobId = params.get('job');
  const batch = useQuery({
    queryKey: partnerQueryKeys.batch(batchId ?? ''),
    queryFn: ({ signal }) => importsApi.get(batchId!, signal),
    enabled: !!batchId,
  });
  return (
    <div className="max-w-4xl">
      <PageHeading>{t('staff.admin.imports.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.imports.intro')}</p>
      {batchId && (
        <button type="button" className="btn-secondary mt-4" onClick={() => setParams({})}>
          {t('staff.admin.imports.another')}
        </button>
      )}
      {!batchId && (
        <UploadStep
          onDryRun={(b) => {
            setParams({ batch: b.id });
          }}
        />
      )}
      {batch.data && <Report batch={batch.data.batch} onConfirmed={(id) => setParams({ batch: batchId!, job: id })} />}
      {batchId && jobId && <Progress jobId={jobId} batchId={batchId} />}
      <History />
    </div>
  );
}
