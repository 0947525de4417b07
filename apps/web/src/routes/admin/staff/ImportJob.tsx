import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Job, JobRowError } from '@oslrs/core';
import { errorMessage } from '../../../api/client';
import { jobs, queryKeys } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { IssueTable } from '../../../components/Table';
import { plural } from '../../../lib/format';

const POLL_MS = 400;
/** Rows shown in the page; the downloadable report has them all. */
const SHOWN_ERRORS = 500;

/** An import in progress (its progress bar, followed by polling) or finished (what was imported, what was not). */
export function ImportJob({ id, onAnother }: { id: string; onAnother: () => void }) {
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
    <IssueTable
      caption="Rows with errors"
      columns={['Row', 'Field']}
      issues={errors.map((e, i) => ({
        key: `${e.row}-${e.field ?? ''}-${e.code}-${i}`,
        cells: [e.row, e.field ?? '—'],
        message: e.message,
        code: e.code,
      }))}
    />
  );
}
