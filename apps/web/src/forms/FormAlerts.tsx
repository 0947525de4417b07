import type { Ref } from 'react';
import { Alert } from '../components/Alert';
import { FormInvalidError } from './engine';
import { t } from '../i18n';

/** A questionnaire the engine refuses to compile: what is wrong with it, for whoever can fix it. */
export function FormCannotShow({ error }: { error: unknown }) {
  const issues = error instanceof FormInvalidError ? error.issues : [];
  return (
    <Alert title={t('collect.form.cannotShow')}>
      <p>{t('collect.form.cannotShowBody')}</p>
      {issues.length > 0 && (
        <ul className="list-disc pl-6">
          {issues.slice(0, 20).map((issue, i) => (
            <li key={`${issue.field}-${i}`}>
              <span className="font-mono text-sm">{issue.field}</span>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** After a refused "Submit" on the whole-form page: every answer that needs attention, each a link to its question. */
export function AnswerSummary({
  ref,
  items,
  href,
  onPick,
}: {
  ref: Ref<HTMLDivElement>;
  items: { name: string; label: string | undefined; error: string | undefined }[];
  href: (name: string) => string;
  onPick: (name: string) => void;
}) {
  return (
    <div ref={ref} tabIndex={-1}>
      <Alert title={t('collect.form.needAttention')}>
        <ul className="list-disc pl-6">
          {items.map(({ name, label, error }) => (
            <li key={name}>
              {label ? (
                <a
                  href={href(name)}
                  className="link"
                  onClick={(e) => {
                    e.preventDefault();
                    onPick(name);
                  }}
                >
                  {label}: {error}
                </a>
              ) : (
                <>
                  {name}: {error}
                </>
              )}
            </li>
          ))}
        </ul>
      </Alert>
    </div>
  );
}
