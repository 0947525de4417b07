import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import { Alert } from './Alert';
import { t as translate, useT } from '../i18n';

/** The largest file any upload accepts (the API's multipart limit). */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

export interface FileRules {
  /** "Choose a CSV file to import" */
  missing: string;
  /** The file name's required ending, with what to say when it is wrong. */
  extension?: { pattern: RegExp; message: string };
  /** "This file is larger than 10 MB" */
  tooLarge: string;
}

/** Why a chosen file cannot be sent, before it is sent. */
export function fileProblem(file: File | undefined, rules: FileRules): string | undefined {
  if (!file) return rules.missing;
  if (rules.extension && !rules.extension.pattern.test(file.name)) return rules.extension.message;
  if (file.size === 0) return translate('common.upload.empty');
  if (file.size > UPLOAD_MAX_BYTES) return rules.tooLarge;
  return undefined;
}

/**
 * A card that uploads one file (a staff CSV, an XLSForm): the file field with its hint and error,
 * the browser's checks before sending, the "Import" button, progress, and the registry's refusal.
 * What the upload does and what it leaves behind are the caller's (`upload`, `children`).
 */
export function FileUploadPanel<TData, TContext>({
  id,
  title,
  intro,
  label,
  hint,
  accept,
  required,
  rules,
  upload,
  errorMessages,
  pendingLabel,
  className = '',
  children,
}: {
  /** The file input's id; the heading, hint and error ids are made from it. */
  id: string;
  title: string;
  intro?: ReactNode;
  label: string;
  hint: string;
  accept: string;
  required?: boolean;
  rules: FileRules;
  upload: UseMutationResult<TData, Error, File, TContext>;
  /** The refusal in sentences an administrator can act on. */
  errorMessages: (error: Error) => string[];
  pendingLabel: string;
  className?: string;
  /** Shown under the refusal: what the last upload found (problems by row, the result). */
  children?: ReactNode;
}) {
  const { t } = useT();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState<string>();
  const headingId = `${id}-heading`;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (upload.isPending) return;
    const file = fileRef.current?.files?.[0];
    const problem = fileProblem(file, rules);
    setFileError(problem);
    if (problem || !file) return fileRef.current?.focus();
    upload.mutate(file, {
      onSuccess: () => {
        if (fileRef.current) fileRef.current.value = '';
      },
    });
  }

  return (
    <form noValidate onSubmit={onSubmit} className={`card space-y-5 ${className}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="text-xl font-bold">
        {title}
      </h2>
      {intro}
      {upload.isError && (
        <Alert title={t('common.upload.failed')}>
          {errorMessages(upload.error).map((message) => (
            <p key={message}>{message}</p>
          ))}
        </Alert>
      )}
      {children}
      <div>
        <label htmlFor={id} className="label">
          {label}
        </label>
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
        {fileError && (
          <span id={`${id}-error`} role="alert" className="field-error">
            {fileError}
          </span>
        )}
        <input
          ref={fileRef}
          id={id}
          name="file"
          type="file"
          accept={accept}
          required={required}
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${id}-hint ${id}-error` : `${id}-hint`}
          onChange={() => setFileError(undefined)}
          className="mt-2 block w-full text-base text-stone-900 file:mr-4 file:min-h-11 file:cursor-pointer file:rounded-md file:border file:border-stone-400 file:bg-white file:px-4 file:py-2 file:font-semibold file:text-stone-900 hover:file:bg-stone-100"
        />
      </div>
      <button type="submit" className="btn-primary" aria-busy={upload.isPending || undefined}>
        {t('common.upload.submit')}
      </button>
      {upload.isPending && (
        <p className="text-stone-800" aria-live="polite">
          {pendingLabel}
        </p>
      )}
    </form>
  );
}
