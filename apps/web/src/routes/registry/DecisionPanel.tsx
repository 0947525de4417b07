import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { VERIFICATION_REASON_MAX, type VerificationResponse } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { queryKeys, registry } from '../../api/endpoints';
import { Alert } from '../../components/Alert';

/** The assessor's decision on one record: verify, or reject with a reason (required, at most 1,000 characters). */
export function DecisionPanel({ id, onDecided }: { id: string; onDecided?: (r: VerificationResponse) => void }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const decide = useMutation({
    mutationFn: (body: { decision: 'verified' | 'rejected'; reason?: string }) => registry.decide(id, body),
    onSuccess: (r) => {
      // The queue must not show a decided record again, even for a moment: drop it, don't just refetch.
      queryClient.removeQueries({ queryKey: queryKeys.verificationQueueAll });
      void queryClient.invalidateQueries({ queryKey: queryKeys.registryAll });
      onDecided?.(r);
    },
  });
  const submit = (decision: 'verified' | 'rejected') => {
    const trimmed = reason.trim();
    if (decision === 'rejected' && !trimmed) {
      setReasonError('Give a reason to reject this record');
      return;
    }
    setReasonError(undefined);
    decide.mutate({ decision, ...(trimmed ? { reason: trimmed } : {}) });
  };
  return (
    <section aria-labelledby="decide-heading" className="card mt-6">
      <h2 id="decide-heading" className="text-xl font-bold">
        Your decision
      </h2>
      <div className="mt-4">
        <label htmlFor="decision-reason" className="label">
          Reason (required to reject)
        </label>
        <span id="decision-reason-hint" className="hint">
          At most {VERIFICATION_REASON_MAX.toLocaleString('en-GB')} characters.
        </span>
        {reasonError && (
          <span id="decision-reason-error" role="alert" className="field-error">
            {reasonError}
          </span>
        )}
        <textarea
          id="decision-reason"
          className="input min-h-24"
          maxLength={VERIFICATION_REASON_MAX}
          value={reason}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? 'decision-reason-hint decision-reason-error' : 'decision-reason-hint'}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {decide.isError && (
        <div className="mt-4">
          <Alert title="The decision was not saved">
            <p>{errorMessage(decide.error)}</p>
          </Alert>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-3">
        <button type="button" className="btn-primary" disabled={decide.isPending} onClick={() => submit('verified')}>
          Verify
        </button>
        <button type="button" className="btn-secondary" disabled={decide.isPending} onClick={() => submit('rejected')}>
          Reject
        </button>
      </div>
    </section>
  );
}
