import { lgaName, type FraudSignal, type ReviewStatus, type Role } from '@oslrs/core';
import { labelOf } from '../../lib/labels';

/** The words for a review status (message ids `staff.review.status.<status>`). */
export const REVIEW_STATUS_LABEL: Record<ReviewStatus, string> = {
  pending: 'staff.review.status.pending',
  approved: 'staff.review.status.approved',
  rejected: 'staff.review.status.rejected',
  returned: 'staff.review.status.returned',
  superseded: 'staff.review.status.superseded',
};

export const REVIEW_STATUS_TONE: Record<ReviewStatus, string> = {
  pending: 'bg-stone-100 text-stone-900',
  approved: 'bg-green-100 text-green-950',
  rejected: 'bg-red-100 text-red-950',
  returned: 'bg-amber-100 text-amber-950',
  superseded: 'bg-sky-100 text-sky-950',
};

export const BAND_TONE: Record<string, string> = {
  clean: 'bg-green-100 text-green-950',
  low: 'bg-yellow-100 text-yellow-950',
  medium: 'bg-amber-200 text-amber-950',
  high: 'bg-orange-200 text-orange-950',
  critical: 'bg-red-200 text-red-950',
};

/** Who may open the review pages, and who may decide (officials read only). */
export const OVERSEER_ROLES: readonly Role[] = [
  'super_admin',
  'supervisor',
  'verification_assessor',
  'government_official',
];
export const REVIEWER_ROLES: readonly Role[] = ['super_admin', 'supervisor', 'verification_assessor'];

/**
 * Why a survey was flagged, in the reader's words (`staff.fraud.signal.<code>` with its numbers; LGAs
 * by name). A reason the API could not read as a signal (`text`) is shown as it was stored.
 */
export function fraudSignalText(t: (id: string, values?: Record<string, unknown>) => string, s: FraudSignal): string {
  if (s.code === 'text') return String(s.params.text ?? '');
  const params: Record<string, unknown> = { ...s.params };
  if (s.code === 'out_of_area') {
    params.lga = lgaName(String(s.params.lga)) ?? s.params.lga;
    params.assigned = lgaName(String(s.params.assigned)) ?? s.params.assigned;
  }
  return t(`staff.fraud.signal.${s.code}`, params);
}

/** How a submission came in, in words (message ids `staff.review.channel.<channel>`; unknown ones as they are). */
export function channelLabel(t: (id: string) => string, channel: string): string {
  return labelOf(t, 'staff.review.channel', channel);
}
