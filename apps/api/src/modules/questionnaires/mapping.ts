import type { FormSchema, RespondentField } from '@oslrs/core';

/** Which question fills a registry field: the form's own mapping, else the standard name. */
export function respondentFieldName(form: FormSchema, field: RespondentField): string {
  return form.fieldMap?.[field] ?? field;
}
