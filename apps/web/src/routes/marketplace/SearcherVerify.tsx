import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from '../../api/client';
import { marketplaceKeys, searcherApi } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';

function verifyErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'TOKEN_EXPIRED') return 'This link has expired. Register again to get a new one.';
    if (error.code === 'TOKEN_INVALID' || error.code === 'VALIDATION_FAILED') {
      return 'This link is not valid or was already used. If you already confirmed your email, just sign in.';
    }
  }
  return errorMessage(error);
}

/** The emailed link: confirms the searcher's address once, on arrival. */
export default function SearcherVerify() {
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
      <Alert title="This link is incomplete">
        <p>Open the full link from the email we sent you.</p>
      </Alert>
    );
  } else if (verify.isSuccess) {
    body = (
      <Success title="Your email address is confirmed">
        <p data-testid="searcher-verified">You can now see the contact details of workers who agreed to share them.</p>
        <p>
          {user ? (
            <Link to="/marketplace" className="link">
              Go to the search
            </Link>
          ) : (
            <Link to="/login?next=/marketplace" className="link">
              Sign in
            </Link>
          )}
        </p>
      </Success>
    );
  } else if (verify.isError) {
    body = (
      <Alert title="Your email address was not confirmed">
        <p data-testid="searcher-verify-error">{verifyErrorText(verify.error)}</p>
        <div className="mt-3 flex flex-wrap gap-3">
          {!(verify.error instanceof ApiError && verify.error.status < 500) && (
            <button type="button" className="btn-secondary" onClick={() => verify.mutate()}>
              Try again
            </button>
          )}
          {user ? (
            <Link to="/marketplace" className="btn-secondary">
              Go to the search
            </Link>
          ) : (
            <Link to="/marketplace/register" className="btn-secondary">
              Register again
            </Link>
          )}
        </div>
      </Alert>
    );
  } else {
    body = <Loading label="Confirming your email address…" />;
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Confirm your email</PageHeading>
      <div className="mt-6">{body}</div>
    </div>
  );
}
