import { useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { STAFF_CSV_MAX_ROWS, type Job } from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, staff as staffApi } from '../../../api/endpoints';
import { FileUploadPanel } from '../../../components/FileUploadPanel';
import { PageHeading } from '../../../components/Page';
import { ImportJob } from './ImportJob';
import { HEADER, StaffCsvFormat } from './StaffCsvFormat';

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
          <StaffCsvFormat />
          <UploadForm onStarted={(job) => setParams({ job: job.id })} />
        </>
      )}
    </div>
  );
}

function UploadForm({ onStarted }: { onStarted: (job: Job) => void }) {
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: (file: File) => staffApi.import(file),
    onSuccess: ({ job }) => {
      queryClient.setQueryData(queryKeys.job(job.id), { job });
      void queryClient.invalidateQueries({ queryKey: queryKeys.staffAll });
      onStarted(job);
    },
  });
  return (
    <FileUploadPanel
      className="mt-6"
      id="csv-file"
      title="Upload"
      label="CSV file"
      hint="UTF-8 CSV with the header above, up to 10 MB."
      accept=".csv,text/csv"
      required
      rules={{
        missing: 'Choose a CSV file to import',
        tooLarge: 'This file is larger than 10 MB. Split it into smaller files.',
      }}
      upload={upload}
      errorMessages={uploadErrorMessages}
      pendingLabel="Uploading…"
    />
  );
}
