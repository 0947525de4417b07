import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { PASSWORD_MIN } from '@oslrs/core';
import { TextField } from './Field';
import { t, useT } from '../i18n';

export type PasswordErrors = { password?: string; confirm?: string };

/** The browser's checks of a new password; the server checks again. */
export function checkNewPassword(password: string, confirm: string): PasswordErrors {
  const errors: PasswordErrors = {};
  if (password.length < PASSWORD_MIN) errors.password = t('common.password.tooShort', { min: PASSWORD_MIN });
  if (!confirm) errors.confirm = t('common.password.confirmMissing');
  else if (confirm !== password) errors.confirm = t('common.password.mismatch');
  return errors;
}

/** A new password and its confirmation as typed, with the refs that take the focus on an error. */
export interface NewPassword {
  password: string;
  confirm: string;
  setPassword: (value: string) => void;
  setConfirm: (value: string) => void;
  passwordRef: RefObject<HTMLInputElement | null>;
  confirmRef: RefObject<HTMLInputElement | null>;
  /** checkNewPassword on what is typed. */
  check: () => PasswordErrors;
  /** Focus the first field with an error; false when neither has one. */
  focusFirst: (errors: PasswordErrors) => boolean;
  clear: () => void;
}

export function useNewPassword(): NewPassword {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);
  return {
    password,
    confirm,
    setPassword,
    setConfirm,
    passwordRef,
    confirmRef,
    check: () => checkNewPassword(password, confirm),
    focusFirst: (errors) => {
      const ref = errors.password ? passwordRef : errors.confirm ? confirmRef : null;
      ref?.current?.focus();
      return ref !== null;
    },
    clear: () => {
      setPassword('');
      setConfirm('');
    },
  };
}

/**
 * The "choose a password" block of every form that sets one (activation, change of password, a
 * resident's new account): the new password, then the same again.
 */
export function PasswordFields({
  fields,
  errors,
  label,
  name = 'password',
  hint,
}: {
  fields: NewPassword;
  errors: PasswordErrors;
  label?: string;
  /** The new password's field name (what password managers and the tests see). */
  name?: string;
  hint?: ReactNode;
}) {
  const { t: tr } = useT();
  return (
    <>
      <TextField
        label={label ?? tr('common.password.new')}
        name={name}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        hint={hint ?? tr('common.password.hint', { min: PASSWORD_MIN })}
        value={fields.password}
        onChange={(e) => fields.setPassword(e.target.value)}
        error={errors.password}
        inputRef={fields.passwordRef}
      />
      <TextField
        label={tr('common.password.confirm')}
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        value={fields.confirm}
        onChange={(e) => fields.setConfirm(e.target.value)}
        error={errors.confirm}
        inputRef={fields.confirmRef}
      />
    </>
  );
}
