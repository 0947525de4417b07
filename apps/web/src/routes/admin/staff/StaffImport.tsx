import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  LGAS,
  ROLE_LABELS,
  STAFF_CSV_COLUMNS,
  STAFF_CSV_MAX_ROWS,
  STAFF_ROLES,
  type Job,
  type JobRowError,
} from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { jobs, queryKeys, staff as staffApi } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { PageHeading } from '../../../components/Page';
import { plural } from '../../../lib/format';

const MAX_BYTES = 10 * 1024 * 1024;
const POLL_MS = 400;
/** Rows shown in the page; the downloadable report has them all. */
const SHOWN_ERRORS = 500;

const HEADER = STAFF_CSV_COLUMNS.join(',');
const EXAMPLE_ROW = 'Adebayo Ogunleye,adebayo.ogunleye@example.com,08031234567,enumerator,ibadan_north';

let templateUrl: string | undefined;
/** The template is made in the browser: the header and one example row. */
function templateHref(): string {
  templateUrl ??= URL.createObjectURL(
    new Blob([`${HEADER}\r\n${EXAMPLE_ROW}\r\n`], { type: 'text/csv;charset=utf-8' }),
  );
  return templateUrl;
}

/** A whole-file problem, in words an administrator can act on. */
function uploadErrorMessages(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [errorMessage(error)];
  switch (error.code) {
    case 'CSV_MISSING_HEADER': {
      const missing = (error.details as { missing?: unknown } | undefined)?.missing;
      const list = Array.isArray(missing) ? missing.map(String) : [];
      // The API's message usually names the columns already; add them only when it does not.
      const named = list.length === 0 || list.every((column) => error.message.includes(column));
      return [
        error.message,
        named ? '' : `Missing columns: ${list.join(', ')}.`,
        `The first line must be exactly: ${HEADER}`,
      ].filter(Boolean);
    }
    case 'CSV_NOT_UTF8':
      return [error.message, 'Save the file as “CSV UTF-8” (in Excel: File › Save As › CSV UTF-8) and try again.'];
    case 'PAYLOAD_TOO_LARGE':
      return [error.message, 'Files can be at most 10 MB. Split the list into smaller files.'];
    case 'CSV_TOO_MANY_ROWS':
      return [error.message, `A file can hold at most ${STAFF_CSV_MAX_ROWS.toLocaleString('en-GB')} rows.`];
    default:
      if (error.status === 413) return ['The file is too large. Files can be at most 10 MB.'];
      if (error.status === 415) return [error.message, 'Upload a .csv file.'];
      return [error.message];
  }
}

export default function StaffImport() {
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');

  return (
    <div className="max-w-4xl">
      <PageHeading>Import staff</PageHeading>
      {jobId ? (
        <ImportJob
          id={jobId}
          onAnother={() =>
            setParams((prev) => {
              const next = new URLSearchParams(prev);
              next.delete('job');
              return next;
            })
          }
        />
      ) : (
        <>
          <p className="mt-2 text-stone-800">
            Add many staff at once from a CSV file. Each valid row creates a staff member, as if you had invited them
            one by one; rows with problems are skipped and listed afterwards, so you can correct them and import those
            rows again.
          </p>
          <FileFormat />
          <UploadForm onStarted={(job) => setParams({ job: job.id })} />
        </>
      )}
    </div>
  );
}

function FileFormat() {
  return (
    <section className="card mt-6">
      <h2 id="format-heading" className="text-xl font-bold">
        File format
      </h2>
      <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
        <li>
          A CSV file in UTF-8 (in Excel: <span className="italic">File › Save As › CSV UTF-8</span>).
        </li>
        <li>
          The first line is the header, exactly:{' '}
          <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-sm break-all">{HEADER}</code>
        </li>
        <li>
          <code className="font-mono text-sm">role</code> is one of the role codes below.
        </li>
        <li>
          <code className="font-mono text-sm">lga</code> is the LGA code, for example{' '}
          <code className="font-mono text-sm">ibadan_north</code>. It is required for supervisors and enumerators and
          may be left empty for other roles.
        </li>
        <li>At most {STAFF_CSV_MAX_ROWS.toLocaleString('en-GB')} rows and 10 MB per file.</li>
      </ul>
      <p className="mt-4">
        <a href={templateHref()} download="oslrs-staff-template.csv" className="link">
          Download template
        </a>{' '}
        <span className="text-stone-700">(the header and one example row)</span>
      </p>

      <details className="mt-4 rounded-md border border-stone-300 p-3">
        <summary className="cursor-pointer font-semibold">Role codes</summary>
        <table className="mt-3 text-left text-sm">
          <thead>
            <tr>
              <th scope="col" className="pr-6 pb-1">
                Code
              </th>
              <th scope="col" className="pb-1">
                Role
              </th>
            </tr>
          </thead>
          <tbody>
            {STAFF_ROLES.map((role) => (
              <tr key={role}>
                <td className="pr-6 font-mono">{role}</td>
                <td>{ROLE_LABELS[role]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details className="mt-3 rounded-md border border-stone-300 p-3">
        <summary className="cursor-pointer font-semibold">LGA codes (all {LGAS.length})</summary>
        <table className="mt-3 text-left text-sm">
          <thead>
            <tr>
              <th scope="col" className="pr-6 pb-1">
                Code
              </th>
              <th scope="col" className="pb-1">
                LGA
              </th>
            </tr>
          </thead>
          <tbody>
            {LGAS.map((lga) => (
              <tr key={lga.code}>
                <td className="pr-6 font-mono">{lga.code}</td>
                <td>{lga.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function UploadForm({ onStarted }: { onStarted: (job: Job) => void }) {
  const queryClient = useQueryClient();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string>();

  const upload = useMutation({
    mutationFn: (file: File) => staffApi.import(file),
    onSuccess: ({ job }) => {
      queryClient.setQueryData(queryKeys.job(job.id), { job });
      void queryClient.invalidateQueries({ queryKey: queryKeys.staffAll });
      onStarted(job);
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (upload.isPending) return;
    const file = fileRef.current?.files?.[0];
    let problem: string | undefined;
    if (!file) problem = 'Choose a CSV file to import';
    else if (file.size === 0) problem = 'This file is empty';
    else if (file.size > MAX_BYTES) problem = 'This file is larger than 10 MB. Split it into smaller files.';
    setFileError(problem);
    if (problem || !file) return fileRef.current?.focus();
    upload.mutate(file);
  }

  return (
    <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
      <h2 className="text-xl font-bold">Upload</h2>
      {upload.isError && (
        <Alert title="The file was not imported">
          {uploadErrorMessages(upload.error).map((message) => (
            <p key={message}>{message}</p>
          ))}
        </Alert>
      )}
      <div>
        <label htmlFor="csv-file" className="label">
          CSV file
        </label>
        <span id="csv-file-hint" className="hint">
          UTF-8 CSV with the header above, up to 10 MB.
        </span>
        {fileError && (
          <span id="csv-file-error" role="alert" className="field-error">
            {fileError}
          </span>
        )}
        <input
          ref={fileRef}
          id="csv-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          required
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? 'csv-file-hint csv-file-error' : 'csv-file-hint'}
          onChange={() => setFileError(undefined)}
          className="mt-2 block w-full text-base text-stone-900 file:mr-4 file:min-h-11 file:cursor-pointer file:rounded-md file:border file:border-stone-400 file:bg-white file:px-4 file:py-2 file:font-semibold file:text-stone-900 hover:file:bg-stone-100"
        />
      </div>
      <button type="submit" className="btn-primary" aria-busy={upload.isPending || undefined}>
        Import
      </button>
      {upload.isPending && (
        <p className="text-stone-800" aria-live="polite">
          Uploading…
        </p>
      )}
    </form>
  );
}

function ImportJob({ id, onAnother }: { id: string; onAnother: () => void }) {
  const query = useQuery({
    queryKey: queryKeys.job(id),
    queryFn: ({ signal }) => jobs.get(id, signal),
    refetchInterval: (q) => {
      const state = q.state.data?.job.state;
      return state === 'queued' || state === 'running' ? POLL_MS : false;
    },
    refetchIntervalInBackground: true,
  });

  if (query.isPending) return <p className="mt-6 text-stone-800">Loading the import…</p>;
  if (query.isError) {
    return (
      <div className="mt-6 space-y-4">
        <Alert title="Could not load this import">
          <p>{errorMessage(query.error)}</p>
        </Alert>
        <button type="button" className="btn-secondary" onClick={onAnother}>
          Import a file
        </button>
      </div>
    );
  }

  const job = query.data.job;
  const working = job.state === 'queued' || job.state === 'running';
  return (
    <section className="card mt-6 space-y-5">
      <h2 id="job-heading" className="text-xl font-bold">
        {working ? 'Importing…' : job.state === 'completed' ? 'Import finished' : 'Import failed'}
      </h2>

      <div>
        {/* Without a total yet (still queued) the bar is indeterminate. */}
        {job.total > 0 ? (
          <progress aria-label="Import progress" max={job.total} value={Math.min(job.processed, job.total)} />
        ) : (
          <progress aria-label="Import progress" />
        )}
        <p className="mt-2 text-stone-800">
          {job.processed} of {job.total} rows
          {job.state === 'queued' && <span className="text-stone-700"> — waiting to start</span>}
        </p>
      </div>

      {job.state === 'failed' && (
        <Alert title="The import failed">
          <p>{job.error ?? 'The import stopped before it finished. No further rows were processed.'}</p>
        </Alert>
      )}

      {job.state === 'completed' && <ImportSummary job={job} />}

      {!working && (
        <div className="flex flex-wrap gap-3">
          <Link to="/admin/staff" className="btn-primary">
            View imported staff
          </Link>
          <button type="button" className="btn-secondary" onClick={onAnother}>
            Import another file
          </button>
        </div>
      )}
    </section>
  );
}

function ImportSummary({ job }: { job: Job }) {
  const shown = job.errors.slice(0, SHOWN_ERRORS);
  return (
    <div className="space-y-4">
      <p
        role="status"
        className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 text-lg font-semibold text-green-950"
      >
        {job.succeeded} staff imported, {plural(job.failed, 'row', 'rows')} with errors
      </p>
      {job.errors.length > 0 && (
        <>
          <p>
            <a href={jobs.errorReportUrl(job.id)} download className="link">
              Download error report
            </a>{' '}
            <span className="text-stone-700">(CSV, every row with a problem)</span>
          </p>
          <ErrorTable errors={shown} />
          {job.errors.length > shown.length && (
            <p className="text-stone-800">
              Showing the first {shown.length} of {job.errors.length} problems. The error report has them all.
            </p>
          )}
        </>
      )}
    </div>
  );
}

function ErrorTable({ errors }: { errors: JobRowError[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-stone-300">
      <table className="w-full text-left text-sm">
        <caption className="bg-stone-100 px-4 py-2 text-left font-semibold text-stone-900">Rows with errors</caption>
        <thead className="border-b border-stone-300">
          <tr>
            <th scope="col" className="px-4 py-2 font-semibold">
              Row
            </th>
            <th scope="col" className="px-4 py-2 font-semibold">
              Field
            </th>
            <th scope="col" className="px-4 py-2 font-semibold">
              Problem
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {errors.map((e, i) => (
            <tr key={`${e.row}-${e.field ?? ''}-${e.code}-${i}`}>
              <td className="px-4 py-2 tabular-nums">{e.row}</td>
              <td className="px-4 py-2 font-mono">{e.field ?? '—'}</td>
              <td className="px-4 py-2">
                {e.message}
                <span className="mt-0.5 block font-mono text-xs text-stone-700">{e.code}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
