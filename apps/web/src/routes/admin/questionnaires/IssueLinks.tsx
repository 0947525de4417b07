import type { FieldError, FormSchema } from '../../../forms/engine';
import { fieldId } from './draft';
import { describePath, problemMessage, type Problem } from './problems';

/** Problems as links: each one opens its question and focuses the field. */
export function IssueLinks({
  form,
  issues,
  onFocus,
}: {
  form: FormSchema;
  issues: (Problem | FieldError)[];
  onFocus: (path: string) => void;
}) {
  return (
    <ul className="mt-2 list-disc space-y-1 pl-6">
      {issues.map((issue, i) => (
        <li key={`${issue.field}-${issue.code}-${i}`}>
          <a
            href={`#${fieldId(issue.field)}`}
            className="link text-red-900"
            onClick={(e) => {
              e.preventDefault();
              onFocus(issue.field);
            }}
          >
            {describePath(form, issue.field)}: {problemMessage(issue)}
          </a>
        </li>
      ))}
    </ul>
  );
}
