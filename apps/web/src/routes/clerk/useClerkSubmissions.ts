import { useEffect, useEffectEvent } from 'react';
import { useMutation, useQueries } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import type { FormSchema } from '../../forms/engine';
import { collection, submitErrorText, type SubmissionBody } from '../register/collection';
import { isSettled, submissionStatusQuery } from '../register/queries';
import { patchRecent, type ClerkState } from './clerkState';

/** How often a saved form's status is looked at until the registry has ingested or rejected it. */
const FOLLOW_MS = 1200;

/**
 * Saving a form and following it: `send` posts it (again, with the same id, on "Retry"), and every
 * saved form the registry is still processing is polled until it is ingested or rejected. All of it
 * is written into the clerk's state, so the list of recent forms survives a reload.
 */
export function useClerkSubmissions(
  state: ClerkState,
  update: (change: (s: ClerkState) => ClerkState) => void,
  ninName: string | null,
  /** The questionnaire the forms answer: its photos and files go with them. */
  form: FormSchema,
): (body: SubmissionBody) => void {
  const submit = useMutation({
    mutationFn: (body: SubmissionBody) => collection.submit(body, form),
    onMutate: (body) => update((s) => patchRecent(s, body.id, (r) => ({ ...r, state: 'sending', failure: undefined }))),
    onSuccess: (view, body) =>
      update((s) => {
        const item = s.recent.find((r) => r.id === body.id);
        const next = patchRecent(s, body.id, (r) => ({
          ...r,
          state: view.status,
          error: view.error,
          reference: view.reference,
          body: undefined,
          counted: true,
        }));
        return item && !item.counted ? { ...next, count: s.count + 1 } : next;
      }),
    onError: (error, body) => {
      const code = error instanceof ApiError ? error.code : 'NETWORK_ERROR';
      const retry = !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429;
      const field =
        code === 'NIN_INVALID'
          ? (ninName ?? undefined)
          : ((error as ApiError).details as { errors?: { field?: string }[] } | undefined)?.errors?.[0]?.field;
      update((s) =>
        patchRecent(s, body.id, (r) => ({
          ...r,
          state: 'failed',
          failure: { code, text: submitErrorText(error), retry, field },
        })),
      );
    },
  });

  // Follow saved forms until the registry has ingested or rejected each.
  const following = useQueries({
    queries: state.recent
      .filter((r) => r.state === 'received')
      .map((r) => submissionStatusQuery(r.id, () => FOLLOW_MS)),
  });
  const settled = following.flatMap((q) => (isSettled(q.data) ? [q.data] : []));
  const settledKey = settled.map((v) => `${v.id}:${v.status}`).join(',');
  const keepSettled = useEffectEvent(() =>
    update((s) =>
      settled.reduce(
        (acc, view) =>
          patchRecent(acc, view.id, (r) => ({
            ...r,
            state: view.status,
            error: view.error,
            reference: view.reference,
          })),
        s,
      ),
    ),
  );
  useEffect(() => {
    if (settledKey) keepSettled();
  }, [settledKey]);

  return submit.mutate;
}
