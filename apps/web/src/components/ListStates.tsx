import { Alert } from './Alert';
import { errorMessage } from '../api/client';
import { useT } from '../i18n';

/**
 * The three states a paged list shows before (or instead of) its rows: the load failed, it is
 * loading, or nothing matches. The caller renders the rows when there are some.
 */
export function ListStates({
  query,
  items,
  errorTitle,
  empty,
}: {
  query: { isError: boolean; error: unknown };
  items: readonly unknown[] | undefined;
  errorTitle: string;
  empty: string;
}) {
  const { t } = useT();
  return (
    <>
      {query.isError && (
        <div className="mt-4">
          <Alert title={errorTitle}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {!items && !query.isError && <p className="mt-6">{t('common.loading')}</p>}
      {items && items.length === 0 && (
        <p className="mt-6 rounded-lg border border-dashed border-stone-400 bg-white p-6 text-center">{empty}</p>
      )}
    </>
  );
}
