import { useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { STAFF_CSV_MAX_ROWS, type Job } from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, staff as staffApi } from '../../../api/endpoints';
import { FileUploadPanel } from '../../../components/FileUploadPanel';
import { PageHeading } from '../../../components/Page';
import { t, useT } from '../../../i18n';
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
        named ? '' : t('staff.admin.import.missingColumns', { columns: list.join(', ') }),
        t('staff.admin.import.firstLine', { header: HEADER }),
      ].filter(Boolean);
    }
    case 'CSV_NOT_UTF8':
      return [error.message, t('staff.admin.import.notUtf8')];
    case 'PAYLOAD_TOO_LARGE':
      return [error.message, t('staff.admin.import.tooLargeSplit')];
    case 'CSV_TOO_MANY_ROWS':
      return [error.message, t('staff.admin.import.maxRows', { max: STAFF_CSV_MAX_ROWS })];
    default:
      if (error.status === 413) return [t('staff.admin.import.tooLarge')];
      if (error.status === 415) return [error.message, t('staff.admin.import.uploadCsv')];
      return [error.message];
  }
}

export default function StaffImport() {
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const { t } = useT();

  return (
    <div className="max-w-4xl">
      <PageHeading>{t('staff.admin.import.title')}</PageHeading>
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
          <p className="mt-2 text-stone-800">{t('staff.admin.import.intro')}</p>
          <StaffCsvFormat />
          <UploadForm onStarted={(job) => setParams({ job: job.id })} />
        </>
      )}
    </div>
  );
}

function UploadForm({ onStarted }: { onStarted: (job: Job) => void }) {
  const queryClient = useQueryClient();
  const { t } = useT();
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
      title={t('staff.admin.import.upload')}
      label={t('staff.admin.import.fileLabel')}
      hint={t('staff.admin.import.fileHint')}
      accept=".csv,text/csv"
      required
      rules={{
        missing: t('staff.admin.import.fileMissing'),
        tooLarge: t('staff.admin.import.fileTooLarge'),
      }}
      upload={upload}
      errorMessages={uploadErrorMessages}
      pendingLabel={t('staff.admin.import.uploading')}
    />
  );
}
