import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { VERIFICATION_REASON_MAX, type VerificationResponse } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { queryKeys, registry } from '../../api/endpoints';
import { Alert } from '../../components/Alert';
import { useT } from '../../i18n';
import { formatNumber } from '../../lib/format';

/** The assessor's decision on one record: verify, or reject with a reason (required, at most 1,000 characters). */
export function DecisionPanel({ id, onDecided }: { id: string; onDecided?: (r: VerificationResponse) => void }) {
  const { t } = useT();
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
      setReasonError(t('staff.decision.reasonRequired'));
      return;
    }
    setReasonError(undefined);
    decide.mutate({ decision, ...(trimmed ? { reason: trimmed } : {}) });
  };
  return (
    <section aria-labelledby="decide-heading" className="card mt-6">
      <h2 id="decide-heading" className="text-xl font-bold">
        {t('staff.decision.title')}
      </h2>
      <div className="mt-4">
        <label htmlFor="decision-reason" className="label">
          {t('staff.decision.reason')}
        </label>
        <span id="decision-reason-hint" className="hint">
          {t('staff.decision.reasonHint', { max: formatNumber(VERIFICATION_REASON_MAX) })}
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
          <Alert title={t('staff.decision.failed')}>
            <p>{errorMessage(decide.error)}</p>
          </Alert>
        </div>
      )}
      <div className="mt-4 flex flex-wrap gap-3">
        <button type="button" className="btn-primary" disabled={decide.isPending} onClick={() => submit('verified')}>
          {t('staff.decision.verify')}
        </button>
        <button type="button" className="btn-secondary" disabled={decide.isPending} onClick={() => submit('rejected')}>
          {t('staff.decision.reject')}
        </button>
      </div>
    </section>
  );
}
