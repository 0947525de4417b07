import { z } from 'zod';
import { text } from '../dto/common.js';

/**
 * The registry's native questionnaire format: ordered sections of questions, named choice lists.
 * XLSForm is imported into this and exported from it; the engine (./engine) evaluates it in the
 * browser and on the server alike.
 */
export const QUESTION_TYPES = [
  'text',
  'integer',
  'decimal',
  'date',
  'select_one',
  'select_multiple',
  'phone',
  'email',
  'nin',
  'geopoint',
  'note',
  'calculate',
  // metadata, filled by the device, never shown
  'start',
  'end',
  'deviceid',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const METADATA_TYPES = ['start', 'end', 'deviceid'] as const satisfies readonly QuestionType[];
export const SELECT_TYPES = ['select_one', 'select_multiple'] as const satisfies readonly QuestionType[];

/** XLSForm-compatible names: a letter or underscore, then letters, digits, `_`, `-`, `.`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const name = text().regex(NAME_PATTERN, 'Use letters, digits and _ (start with a letter or _), at most 64');
/** An expression in the XLSForm syntax (`${field}`, `.`, and/or/not, selected(), today(), …). */
const expression = text({ multiline: true }).trim().min(1).max(2000);

export const questionSchema = z.object({
  name,
  type: z.enum(QUESTION_TYPES),
  label: text({ multiline: true }).max(2000).optional(),
  hint: text({ multiline: true }).max(2000).optional(),
  /** `true`, or an expression that decides whether an answer is required. */
  required: z.union([z.boolean(), expression]).optional(),
  /** Skip logic: the question is shown (and answered) only when this is true. */
  relevant: expression.optional(),
  /** Must hold for a non-empty answer; `.` is the answer itself. */
  constraint: expression.optional(),
  constraintMessage: text({ multiline: true }).max(500).optional(),
  /** For `calculate` questions. */
  calculation: expression.optional(),
  /** For select questions: the name of a choice list. */
  choiceList: name.optional(),
  appearance: text().max(200).optional(),
  readOnly: z.boolean().optional(),
  default: text({ multiline: true }).max(500).optional(),
});
export type Question = z.infer<typeof questionSchema>;

export const sectionSchema = z.object({
  name,
  /** Absent for the implicit sections that hold questions outside any group (XLSForm top level). */
  label: text({ multiline: true }).max(500).optional(),
  relevant: expression.optional(),
  questions: z.array(questionSchema).max(2000),
});
export type Section = z.infer<typeof sectionSchema>;

export const choiceSchema = z.object({
  name: text().min(1).max(200),
  label: text({ multiline: true }).max(500),
});
export type Choice = z.infer<typeof choiceSchema>;

/** Registry fields a questionnaire fills (SPEC: respondent fields come from answers by these names). */
export const RESPONDENT_FIELDS = [
  'surname',
  'firstname',
  'gender',
  'dob',
  'phone_number',
  'email',
  'nin',
  'lga_id',
  'main_occupation',
  'employment_type',
  'years_experience',
  'skills_possessed',
  'consent_marketplace',
  'consent_enriched',
  /** The worker's own short line for their marketplace profile (the master questionnaire's `bio_short`). */
  'bio_short',
] as const;
export type RespondentField = (typeof RESPONDENT_FIELDS)[number];

export const formSchema = z.object({
  /** XLSForm settings `form_id`. */
  formId: name,
  title: text().min(1).max(300),
  /** XLSForm settings `version` (free text, kept as given). */
  version: text().max(100).optional(),
  defaultLanguage: text().max(50).optional(),
  sections: z.array(sectionSchema).min(1).max(200),
  choiceLists: z.record(name, z.array(choiceSchema).max(5000)),
  /** Other question names mapped onto registry fields, when a form does not use the standard names. */
  fieldMap: z.partialRecord(z.enum(RESPONDENT_FIELDS), name).optional(),
});
export type FormSchema = z.infer<typeof formSchema>;

/** A value as answered: text/number/date as string or number, select_multiple as string[], geopoint as object. */
export type GeoPoint = { lat: number; lng: number; accuracy?: number };
export type AnswerValue = string | number | boolean | string[] | GeoPoint | null;
export type Answers = Record<string, AnswerValue>;

/** Every problem found in a form or a set of answers, with where it is. */
export interface FieldError {
  /** Question name (answers) or schema path such as `sections.2.questions.4.relevant` (forms). */
  field: string;
  code: string;
  message: string;
}
