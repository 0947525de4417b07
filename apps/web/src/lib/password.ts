import { createElement, type ReactElement } from 'react';
import { PASSWORD_MIN } from '@oslrs/core';
import { ApiError, validationIssues } from '../api/client';
import { useT } from '../i18n';

/**
 * What the registry said about a new password, for the password field: a guessable one (400
 * PASSWORD_TOO_WEAK, with the strength check's advice) or a rule broken (400 VALIDATION_FAILED).
 */
export function serverPasswordProblem(error: unknown, field = 'password'): string | undefined {
  if (error instanceof ApiError && error.code === 'PASSWORD_TOO_WEAK') return error.message;
  return validationIssues(error).find((i) => i.path === field)?.message;
}

function PasswordAdvice() {
  const { t } = useT();
  return t('common.password.advice', { min: PASSWORD_MIN });
}

/**
 * Said next to every new-password field: what the registry checks. An element, so its words are
 * looked up when it renders (in the language shown then), not when this module loads.
 */
export const PASSWORD_ADVICE: ReactElement = createElement(PasswordAdvice);
