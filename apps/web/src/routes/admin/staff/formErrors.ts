import { ApiError, errorMessage, validationIssues } from '../../../api/client';

/** API rule codes that belong to one field, so the message can sit next to it. */
const CODE_FIELD: Record<string, string> = {
  EMAIL_EXISTS: 'email',
  PHONE_INVALID: 'phone',
  LGA_REQUIRED: 'lga',
  LGA_UNKNOWN: 'lga',
  ROLE_CONFLICT: 'role',
  ROLE_NOT_ALLOWED: 'role',
};

/** Split an API error into messages for fields and messages for the top of the form. */
export function splitApiError(
  error: unknown,
  fields: readonly string[],
): { fields: Record<string, string>; other: string[] } {
  const result: { fields: Record<string, string>; other: string[] } = { fields: {}, other: [] };
  if (!(error instanceof ApiError)) return { fields: {}, other: [errorMessage(error)] };
  // Rule errors name their field in details.field; older codes are mapped here as a fallback.
  const detailField = (error.details as { field?: unknown } | undefined)?.field;
  const field = typeof detailField === 'string' ? detailField : CODE_FIELD[error.code];
  if (field && fields.includes(field)) {
    result.fields[field] = error.message;
    return result;
  }
  const issues = validationIssues(error);
  if (issues.length === 0) return { fields: {}, other: [error.message] };
  for (const issue of issues) {
    const name = issue.path.split('.')[0] ?? '';
    if (fields.includes(name) && !result.fields[name]) result.fields[name] = issue.message;
    else result.other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return result;
}
