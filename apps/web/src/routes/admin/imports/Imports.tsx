import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  IMPORT_FIELDS,
  IMPORT_SKIP_REASONS,
  type ImportBatch,
  type ImportField,
  type ImportMapping,
  type ImportSkipReason,
} from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { jobs, queryKeys } from '../../../api/endpoints';
import { importsApi, partnerQueryKeys } from '../../../api/partners';
import { Alert, Success } from '../../../components/Alert';
import { TextField } from '../../../components/Field';
import { UPLOAD_MAX_BYTES } from '../../../components/FileUploadPanel';
import { PageHeading } from '../../../components/Page';

const reasonLabel = (r: string) => IMPORT_SKIP_REASONS[r as ImportSkipReason] ?? r;
const POLL_MS = 400;

/** Columns the file has, when the registry asked for a mapping. */
function headerOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'IMPORT_MAPPING_INVALID') return null;
  const header = (error.details as { header?: unknown } | undefined)?.header;
  return Array.isArray(header) ? header.map(String) : null;
}

/** Step 1 and 2: the file and its source; then, if its columns are not field names, the mapping. */
function UploadStep({ onDryRun }: { onDryRun: (batch: ImportBatch) => void }) {
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
    setSourceProblem(sourceWrong ? 'Name the agency the list comes from (2 to 120 characters)' : undefined);
    if (!file) return setFileProblem('Choose a CSV or XLSX file');
    if (file.size > UPLOAD_MAX_BYTES)
      return setFileProblem('This file is larger than 10 MB. Split it into smaller files.');
    setFileProblem(undefined);
    if (sourceWrong) return;
    upload.mutate(header !== null);
  };
  return (
    <form className="card mt-6 space-y-4" onSubmit={submit} noValidate aria-labelledby="upload-heading">
      <h2 id="upload-heading" className="text-xl font-bold">
        {header ? '2. Map the columns' : '1. Upload a list'}
      </h2>
      {!header && (
        <>
          <TextField
            label="Source agency"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            required
            maxLength={120}
            error={sourceProblem}
            hint="The mapping you choose is remembered for this source."
          />
          <div>
            <label htmlFor="import-file" className="label">
              CSV or XLSX file
            </label>
            <span className="hint">
              Up to 10 MB and 100,000 rows. Columns named {IMPORT_FIELDS.join(', ')} need no mapping.
            </span>
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
          <p>Choose the respondent field each column fills. Surname, first name and LGA are required.</p>
          {header.map((column) => (
            <label key={column} className="grid grid-cols-1 items-center gap-1 sm:grid-cols-2">
              <span className="font-semibold">{column || '(no name)'}</span>
              <select
                aria-label={`Field for column ${column}`}
                className="input"
                value={mapping[column] ?? ''}
                onChange={(e) => setMapping((m) => ({ ...m, [column]: e.target.value as ImportField | '' }))}
              >
                <option value="">Ignore this column</option>
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
        <Alert title={header ? 'Map the columns to continue' : 'The file was not accepted'}>
          <p>{errorMessage(upload.error)}</p>
        </Alert>
      )}
      <button type="submit" className="btn-primary" disabled={upload.isPending}>
        {upload.isPending ? 'Checking the rows…' : 'Dry run'}
      </button>
    </form>
  );
}

/** Step 3: what would happen, row by row; step 4: confirm. */
function Report({ batch, onConfirmed }: { batch: ImportBatch; onConfirmed: (jobId: string) => void }) {
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
        3. Dry run of {batch.fileName ?? 'the file'}
      </h2>
      <p className="text-lg" data-testid="dry-run-totals">
        <strong data-testid="to-create">{batch.toCreate}</strong> to create ·{' '}
        <strong data-testid="skipped">{batch.skipped}</strong> skipped · {batch.total} rows
      </p>
      {Object.keys(batch.reasons).length > 0 && (
        <ul className="list-disc pl-6" data-testid="reasons">
          {Object.entries(batch.reasons).map(([r, n]) => (
            <li key={r}>
              {reasonLabel(r)}: {n}
            </li>
          ))}
        </ul>
      )}
      <a className="underline" href={importsApi.reportUrl(batch.id)} download>
        Download the report (CSV)
      </a>
      {skipped.data && skipped.data.items.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="text-left font-semibold">Skipped rows (first 100)</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Why</th>
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
            Confirm: create {batch.toCreate} records
          </button>
        </>
      )}
    </section>
  );
}

/** Step 4: the confirm job's progress, then its result. */
function Progress({ jobId, batchId }: { jobId: string; batchId: string }) {
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
  if (!j) return <p className="mt-6">Starting…</p>;
  const working = j.state === 'queued' || j.state === 'running';
  return (
    <section className="card mt-6 space-y-3">
      <h2 className="text-xl font-bold">
        {working ? '4. Creating records…' : j.state === 'completed' ? 'Import finished' : 'Import failed'}
      </h2>
      <progress aria-label="Import progress" max={Math.max(j.total, 1)} value={Math.min(j.processed, j.total)} />
      <p data-testid="job-progress">
        {j.processed} of {j.total} rows
      </p>
      {j.state === 'completed' && (
        <Success title={`${j.succeeded} records created`}>
          {j.failed > 0 && <p>{j.failed} rows were skipped because the registry changed since the dry run.</p>}
        </Success>
      )}
      {j.state === 'failed' && <Alert>{j.error}</Alert>}
    </section>
  );
}

function History() {
  const client = useQueryClient();
  const list = useQuery({ queryKey: partnerQueryKeys.imports, queryFn: ({ signal }) => importsApi.list(signal) });
  const rollback = useMutation({
    mutationFn: (id: string) => importsApi.rollback(id),
    onSettled: () => void client.invalidateQueries({ queryKey: partnerQueryKeys.imports }),
  });
  return (
    <section className="mt-10" aria-labelledby="history-heading">
      <h2 id="history-heading" className="text-xl font-bold">
        History
      </h2>
      {rollback.isError && <Alert>{errorMessage(rollback.error)}</Alert>}
      <ul className="mt-3 space-y-3">
        {list.data?.items.map((b) => (
          <li key={b.id} className="card space-y-1" data-testid={`batch-${b.id}`}>
            <p className="font-semibold">
              {b.source} — {b.fileName ?? 'file'}{' '}
              <span className="rounded bg-stone-100 px-2 py-0.5 text-sm font-normal" data-testid="batch-state">
                {b.state.replace('_', ' ')}
              </span>
            </p>
            <p className="text-sm">
              {new Date(b.createdAt).toLocaleString('en-GB')}: {b.total} rows, {b.toCreate} to create, {b.skipped}{' '}
              skipped{b.state !== 'dry_run' ? `, ${b.created} created` : ''}
            </p>
            {b.rollback && (
              <p className="text-sm" data-testid="rollback-report">
                Rolled back: {b.rollback.removed} removed
                {b.rollback.kept.length > 0 && `, ${b.rollback.kept.length} kept because they changed since`}
              </p>
            )}
            {b.state === 'confirmed' && (
              <button
                type="button"
                className="btn-danger"
                disabled={rollback.isPending}
                onClick={() => {
                  if (window.confirm(`Remove the ${b.created} records this import created?`)) rollback.mutate(b.id);
                }}
              >
                Roll back
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
      <PageHeading>Import a list</PageHeading>
      <p className="mt-2 text-stone-800">
        Bring in people from another agency’s list. A dry run shows what would be created and what would be skipped, and
        why; nothing changes until you confirm, and a confirmed import can be rolled back.
      </p>
      {batchId && (
        <button type="button" className="btn-secondary mt-4" onClick={() => setParams({})}>
          Start another import
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
