import {
  analyzeForm,
  compileForm,
  ExpressionError,
  parseExpression,
  type CompiledForm,
  type FieldError,
  type FormSchema,
} from '../../../forms/engine';
import { t } from '../../../i18n';
import { questionPath, sectionPath } from './draft';

/** A problem in the draft, at a schema path; expression errors also say where in the text. */
export interface Problem extends FieldError {
  /** Where the parser stopped (0-based), and the text it read. */
  offset?: number;
  source?: string;
}

export interface Analysis {
  problems: Problem[];
  /** Problems by schema path, for the message under each field. */
  byPath: Map<string, Problem[]>;
  /** The compiled form for the preview, when the draft compiles. */
  compiled: CompiledForm | null;
}

/** Every expression in the draft, with its schema path. */
function expressions(form: FormSchema): { path: string; source: string }[] {
  const found: { path: string; source: string }[] = [];
  form.sections.forEach((section, si) => {
    if (section.relevant) found.push({ path: sectionPath(si, 'relevant'), source: section.relevant });
    section.questions.forEach((q, qi) => {
      if (typeof q.required === 'string') found.push({ path: questionPath(si, qi, 'required'), source: q.required });
      for (const key of ['relevant', 'constraint', 'calculation'] as const) {
        const source = q[key];
        if (source) found.push({ path: questionPath(si, qi, key), source });
      }
    });
  });
  return found;
}

/** Runs the parser on each expression (for the position), then the engine's whole-form checks. */
export function analyse(form: FormSchema): Analysis {
  const problems: Problem[] = [];
  const parsed = new Set<string>();
  for (const { path, source } of expressions(form)) {
    try {
      parseExpression(source);
    } catch (error) {
      const offset = error instanceof ExpressionError ? error.offset : undefined;
      problems.push({
        field: path,
        code: 'EXPRESSION_INVALID',
        message: error instanceof Error ? error.message : String(error),
        offset,
        source,
      });
      parsed.add(path);
    }
  }

  let analysed: FieldError[];
  try {
    analysed = analyzeForm(form);
  } catch (error) {
    analysed = [
      { field: '', code: 'ANALYSIS_FAILED', message: error instanceof Error ? error.message : String(error) },
    ];
  }
  for (const issue of analysed) {
    // The parser's own message (with its position) is already there for this field.
    if (parsed.has(issue.field) && issue.code === 'EXPRESSION_INVALID') continue;
    if (problems.some((p) => p.field === issue.field && p.message === issue.message)) continue;
    problems.push(issue);
  }

  let compiled: CompiledForm | null = null;
  if (problems.length === 0) {
    try {
      compiled = compileForm(form);
    } catch (error) {
      problems.push({
        field: '',
        code: 'FORM_INVALID',
        message: error instanceof Error ? error.message : t('staff.admin.builder.notCompiled'),
      });
    }
  }

  const byPath = new Map<string, Problem[]>();
  for (const problem of problems) byPath.set(problem.field, [...(byPath.get(problem.field) ?? []), problem]);
  return { problems, byPath, compiled };
}

/** The name of a field at the end of a schema path, in the active language. */
const FIELD_LABELS: Record<string, () => string> = {
  name: () => t('staff.admin.builder.field.name'),
  type: () => t('staff.admin.builder.field.type'),
  label: () => t('staff.admin.builder.field.label'),
  hint: () => t('staff.admin.builder.field.hint'),
  required: () => t('staff.admin.builder.field.required'),
  relevant: () => t('staff.admin.builder.field.relevant'),
  constraint: () => t('staff.admin.builder.field.constraint'),
  constraintMessage: () => t('staff.admin.builder.field.constraintMessage'),
  calculation: () => t('staff.admin.builder.field.calculation'),
  choiceList: () => t('staff.admin.builder.field.choiceList'),
  appearance: () => t('staff.admin.builder.field.appearance'),
  default: () => t('staff.admin.builder.field.default'),
  title: () => t('staff.admin.builder.field.title'),
  formId: () => t('staff.admin.builder.field.formId'),
  version: () => t('staff.admin.builder.field.version'),
  sections: () => t('staff.admin.builder.field.sections'),
  questions: () => t('staff.admin.builder.field.questions'),
  choiceLists: () => t('staff.admin.builder.field.choiceLists'),
};
const fieldLabel = (key: string | undefined) =>
  key !== undefined && Object.hasOwn(FIELD_LABELS, key) ? FIELD_LABELS[key]!() : undefined;

/** "Question q2 › Show when" for `sections.0.questions.1.relevant`, read against the draft. */
export function describePath(form: FormSchema, path: string): string {
  if (!path || path === '(form)') return t('staff.admin.builder.path.form');
  const parts = path.split('.');
  if (parts[0] === 'sections' && parts[1] !== undefined) {
    const si = Number(parts[1]);
    const section = form.sections[si];
    if (parts[2] === 'questions' && parts[3] !== undefined) {
      const question = section?.questions[Number(parts[3])];
      const where = question?.name
        ? t('staff.admin.builder.path.question', { name: question.name })
        : t('staff.admin.builder.path.questionN', { n: Number(parts[3]) + 1 });
      return parts[4] ? `${where} › ${fieldLabel(parts[4]) ?? parts.slice(4).join('.')}` : where;
    }
    const where = section?.name
      ? t('staff.admin.builder.path.section', { name: section.name })
      : t('staff.admin.builder.path.sectionN', { n: si + 1 });
    return parts[2] ? `${where} › ${fieldLabel(parts[2]) ?? parts.slice(2).join('.')}` : where;
  }
  if (parts[0] === 'choiceLists' && parts[1] !== undefined) {
    const where = t('staff.admin.builder.path.list', { name: parts[1] });
    if (parts[2] === undefined) return where;
    const choice = t('staff.admin.builder.choiceN', { n: Number(parts[2]) + 1 });
    if (parts[3] === 'name') return `${where} › ${choice} › ${t('staff.admin.builder.choiceValue')}`;
    if (parts[3] === 'label') return `${where} › ${choice} › ${t('staff.admin.builder.choiceLabel')}`;
    return `${where} › ${choice}`;
  }
  return fieldLabel(parts[0]) ?? path;
}

/**
 * The parser's message with its position counted from 1, as people count ("… at character 9").
 * The parser's own words come from the form engine, in English.
 */
export function problemMessage(problem: Problem): string {
  let placed = false;
  const message = problem.message.replace(/\bat offset (\d+)/g, (_, n: string) => {
    placed = true;
    return t('staff.admin.builder.atCharacter', { n: Number(n) + 1 });
  });
  if (problem.offset === undefined || placed || /at character \d/.test(message)) return message;
  return t('staff.admin.builder.withPosition', { message, n: problem.offset + 1 });
}
