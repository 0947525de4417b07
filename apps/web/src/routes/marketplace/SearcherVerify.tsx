import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../api/client';
import { marketplaceKeys, searcherApi } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { t as translate, useT } from '../../i18n';

function verifyErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'TOKEN_EXPIRED') return translate('marketplace.verify.expired');
    if (error.code === 'TOKEN_INVALID' || error.code === 'VALIDATION_FAILED') {
      return translate('marketplace.verify.invalid');
    }
  }
  return errorMessage(error);
}

/** The emailed link: confirms the searcher's address once, on arrival. */
export default function SearcherVerify() {
  const { t } = useT();
  const { user } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: () => searcherApi.verify(token),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: marketplaceKeys.searcher }),
  });
  const sent = useRef(false);
  const { mutate } = verify;
  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate();
  }, [token, mutate]);

  let body;
  if (!token) {
    body = (
      <Alert title={t('marketplace.verify.incomplete')}>
        <p>{t('marketplace.verify.incompleteBody')}</p>
      </Alert>
    );
  } else if (verify.isSuccess) {
    body = (
      <Success title={t('marketplace.verify.done')}>
        <p data-testid="searcher-verified">{t('marketplace.verify.doneBody')}</p>
        <p>
          {user ? (
            <Link to="/marketplace" className="link">
              {t('marketplace.verify.toSearch')}
            </Link>
          ) : (
            <Link to="/login?next=/marketplace" className="link">
              {t('marketplace.verify.signIn')}
            </Link>
          )}
        </p>
      </Success>
    );
  } else if (verify.isError) {
    body = (
      <Alert title={t('marketplace.verify.failed')}>
        <p data-testid="searcher-verify-error">{verifyErrorText(verify.error)}</p>
        <div className="mt-3 flex flex-wrap gap-3">
          {!(verify.error instanceof ApiError && verify.error.status < 500) && (
            <button type="button" className="btn-secondary" onClick={() => verify.mutate()}>
              {t('common.retry')}
            </button>
          )}
          {user ? (
            <Link to="/marketplace" className="btn-secondary">
              {t('marketplace.verify.toSearch')}
            </Link>
          ) : (
            <Link to="/marketplace/register" className="btn-secondary">
              {t('marketplace.verify.registerAgain')}
            </Link>
          )}
        </div>
      </Alert>
    );
  } else {
    body = <Loading label={t('marketplace.verify.pending')} />;
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('marketplace.verify.title')}</PageHeading>
      <div className="mt-6">{body}</div>
    </div>
  );
}
