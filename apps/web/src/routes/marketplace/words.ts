import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';

/** A failed search in plain words (the per-IP limit above all). */
export function searchErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'ACCESS_BLOCKED') {
      return 'The marketplace is not available from your network for a while, because of automated requests from it. Try again later.';
    }
    if (error.status === 429) {
      return `You have searched many times in a short while. Please wait and search again ${waitPhrase(error.retryAfter)}.`;
    }
    const issues = validationIssues(error);
    if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  }
  return errorMessage(error);
}

/** Why a contact could not be shown, for each code the reveal may answer with. */
export function revealErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  switch (error.code) {
    case 'CONTACT_NOT_SHARED':
      return 'This worker is listed but has not agreed to share their name and contact details. You cannot contact them through the marketplace.';
    case 'SEARCHER_NOT_VERIFIED':
      return 'Confirm your email address first: open the link we emailed you when you registered, then try again.';
    case 'SEARCHER_BLOCKED':
      return 'Your account may no longer see contact details. Contact the registry if you think this is a mistake.';
    case 'PROFILE_NOT_FOUND':
      return 'This worker is no longer listed in the marketplace (they may have withdrawn their consent).';
    case 'REVEAL_LIMIT':
      return 'You have seen the most contact details allowed in one day. Try again tomorrow.';
    case 'RATE_LIMITED':
      return `Too many requests in a short while. Please wait and try again ${waitPhrase(error.retryAfter)}.`;
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Sign in again to see contact details.';
  }
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}
