import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { PASSWORD_MIN } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { serverPasswordProblem } from '../../lib/password';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';

function activationErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (validationIssues(error).some((i) => i.path === 'token')) return 'This activation link is not valid.';
  return error.message;
}

export default function Activate() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const fields = useNewPassword();
  const [errors, setErrors] = useState<PasswordErrors>({});

  const activate = useMutation({ mutationFn: () => auth.activate(token, fields.password) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (activate.isPending) return;
    const found = fields.check();
    setErrors(found);
    if (fields.focusFirst(found)) return;
    activate.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          fields.passwordRef.current?.focus();
        }
      },
    });
  }

  if (activate.isSuccess) {
    return (
      <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
        <PageHeading>Set your password</PageHeading>
        <div className="mt-6">
          <Success title="Your password is set and your account is active.">
            <p>Sign in with your email address and the password you have just chosen.</p>
            <p>
              <Link to="/login" className="link">
                Sign in
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  const apiError = activate.isError && !errors.password ? activationErrorMessage(activate.error) : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Set your password</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title="This activation link is incomplete">
            <p>
              Open the full link from your invitation email. If it still does not work, ask the registry&rsquo;s super
              admin for a new activation link.
            </p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">
            Choose the password you will use to sign in to OSLRS. Use at least {PASSWORD_MIN} characters; a short phrase
            of a few words is easy to remember and hard to guess.
          </p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {apiError && (
              <Alert>
                <p>{apiError}</p>
              </Alert>
            )}
            <PasswordFields fields={fields} errors={errors} />
            <button type="submit" className="btn-primary w-full" aria-busy={activate.isPending || undefined}>
              Set password
            </button>
          </form>
        </>
      )}
      <p className="mt-6">
        <Link to="/login" className="link">
          Already set your password? Sign in
        </Link>
      </p>
    </div>
  );
}
