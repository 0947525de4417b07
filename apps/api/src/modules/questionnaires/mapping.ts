import {
  RESPONDENT_FIELDS,
  analyzeForm,
  type FieldError,
  type FormSchema,
  type Question,
  type RespondentField,
} from '@oslrs/core';

/** Which question fills a registry field: the form's own mapping, else the standard name. */
export function respondentFieldName(form: FormSchema, field: RespondentField): string {
  return form.fieldMap?.[field] ?? field;
}

/**
 * Registry fields the form cannot fill: one respondent has one surname, NIN, LGA…, so the question
 * that fills a registry field must not sit inside a repeat (many answers), nor be a group or repeat
 * itself (no answer). A group around it is fine: its children's answers are flat.
 */
export function registryFieldIssues(form: FormSchema): FieldError[] {
  const filling = new Map<string, RespondentField>();
  for (const f of RESPONDENT_FIELDS) filling.set(respondentFieldName(form, f), f);
  const issues: FieldError[] = [];
  const walk = (questions: readonly Question[], base: string, repeat: string | undefined) =>
    questions.forEach((q, j) => {
      const path = `${base}.questions.${j}`;
      const field = filling.get(q.name);
      if (field && repeat !== undefined)
        issues.push({
          field: `${path}.name`,
          code: 'REGISTRY_FIELD_IN_REPEAT',
          message: `'${q.name}' fills the registry field '${field}', so it cannot be inside repeat '${repeat}': a respondent has one ${field}`,
        });
      else if (field && (q.type === 'group' || q.type === 'repeat'))
        issues.push({
          field: `${path}.name`,
          code: 'REGISTRY_FIELD_NOT_A_QUESTION',
          message: `'${q.name}' fills the registry field '${field}', so it must be a question, not a ${q.type}`,
        });
      if (q.questions) walk(q.questions, path, q.type === 'repeat' ? q.name : repeat);
    });
  form.sections?.forEach((s, i) => walk(s.questions ?? [], `sections.${i}`, undefined));
  return issues;
}

/** Every problem that keeps a form from being published: the engine's analysis, then the registry's rules. */
export function formIssues(form: FormSchema): FieldError[] {
  const issues = analyzeForm(form);
  return issues.some((i) => i.code === 'SCHEMA_INVALID') ? issues : [...issues, ...registryFieldIssues(form)];
}
