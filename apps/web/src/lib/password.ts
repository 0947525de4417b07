import { PASSWORD_MIN } from '@oslrs/core';
import { ApiError, validationIssues } from '../api/client';

/**
 * What the registry said about a new password, for the password field: a guessable one (400
 * PASSWORD_TOO_WEAK, with the strength check's advice) or a rule broken (400 VALIDATION_FAILED).
 */
export function serverPasswordProblem(error: unknown, field = 'password'): string | undefined {
  if (error instanceof ApiError && error.code === 'PASSWORD_TOO_WEAK') return error.message;
  return validationIssues(error).find((i) => i.path === field)?.message;
}

/** Said next to every new-password field: what the registry checks. */
export const PASSWORD_ADVICE = `At least ${PASSWORD_MIN} characters, and not a common or easily guessed password. A short phrase of a few unrelated words is easy to remember and hard to guess.`;
