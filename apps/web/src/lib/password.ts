import { PASSWORD_MIN } from '@oslrs/core';

/** Client-side checks shared by the "set" and "change" password forms; the server checks again. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } {
  const errors: { password?: string; confirm?: string } = {};
  if (password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters`;
  if (!confirm) errors.confirm = 'Type the new password again';
  else if (confirm !== password) errors.confirm = 'The passwords do not match';
  return errors;
}
