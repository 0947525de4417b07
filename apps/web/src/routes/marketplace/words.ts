import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { t } from '../../i18n';

/** A failed search in plain words (the per-IP limit above all). */
export function searchErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'ACCESS_BLOCKED') {
      return t('marketplace.error.blocked');
    }
    if (error.status === 429) {
      return t('marketplace.error.searchLimited', { when: waitPhrase(error.retryAfter) });
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
      return t('marketplace.error.notShared');
    case 'SEARCHER_NOT_VERIFIED':
      return t('marketplace.error.notVerified');
    case 'SEARCHER_BLOCKED':
      return t('marketplace.error.blockedSearcher');
    case 'PROFILE_NOT_FOUND':
      return t('marketplace.error.profileGone');
    case 'REVEAL_LIMIT':
      return t('marketplace.error.revealLimit');
    case 'RATE_LIMITED':
      return t('marketplace.error.rateLimited', { when: waitPhrase(error.retryAfter) });
    case 'UNAUTHENTICATED':
      return t('marketplace.error.sessionEnded');
  }
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}
