import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { fraudSettings as fraudApi, queryKeys } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';
import { ThresholdsForm } from './ThresholdsForm';

export default function FraudSettingsPage() {
  const { t } = useT();
  const query = useQuery({
    queryKey: queryKeys.fraudSettings,
    queryFn: ({ signal }) => fraudApi.get(signal),
  });

  return (
    <div className="max-w-3xl">
      <PageHeading>{t('staff.admin.fraud.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.fraud.intro')}</p>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <div className="mt-6">
          <Alert title={t('staff.admin.fraud.loadFailed')}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-4 rounded-md border-l-4 border-green-800 bg-white p-3 text-stone-900">
            {query.data.version > 0 ? (
              <>
                <strong>{t('staff.admin.fraud.version', { version: query.data.version })}</strong>{' '}
                {t('staff.admin.fraud.inForce')}
              </>
            ) : (
              <>
                <strong>{t('staff.admin.fraud.version0')}</strong> {t('staff.admin.fraud.version0Body')}
              </>
            )}
          </p>
          <ThresholdsForm settings={query.data} />
        </>
      )}
    </div>
  );
}
