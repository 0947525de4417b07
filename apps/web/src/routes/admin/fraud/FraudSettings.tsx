import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { fraudSettings as fraudApi, queryKeys } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { ThresholdsForm } from './ThresholdsForm';

export default function FraudSettingsPage() {
  const query = useQuery({
    queryKey: queryKeys.fraudSettings,
    queryFn: ({ signal }) => fraudApi.get(signal),
  });

  return (
    <div className="max-w-3xl">
      <PageHeading>Fraud signals</PageHeading>
      <p className="mt-2 text-stone-800">
        Every submission, from every channel, is checked for these signals when it is ingested. The points of the
        signals that fire add up to a score out of 100, with reasons. Flags never reject data: they show supervisors and
        assessors where to look.
      </p>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <div className="mt-6">
          <Alert title="Could not load the fraud thresholds">
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-4 rounded-md border-l-4 border-green-800 bg-white p-3 text-stone-900">
            {query.data.version > 0 ? (
              <>
                <strong>Version {query.data.version}</strong> is in force.
              </>
            ) : (
              <>
                <strong>Version 0:</strong> nothing has been saved yet, so the starting values are in force.
              </>
            )}
          </p>
          <ThresholdsForm settings={query.data} />
        </>
      )}
    </div>
  );
}
