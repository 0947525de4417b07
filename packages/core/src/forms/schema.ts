import { z } from 'zod';
import { text } from '../dto/common.js';

/**
 * The registry's native questionnaire format: ordered sections of questions, named choice lists.
 * XLSForm is imported into this and exported from it; the engine (./engine) evaluates it in the
 * browser and on the server alike.
 */
export * from './question-types.js';
import { NAME_PATTERN, QUESTION_TYPES } from './question-types.js';

const name = text().regex(NAME_PATTERN, 'Use letters, digits and _ (start with a letter or _), at most 64');
/** An expression in the XLSForm syntax (`${field}`, `.`, and/or/not, selected(), today(), …). */
const expression = text({ multiline: true }).trim().min(1).max(2000);

/** Text of one element in another language (XLSForm `label::Yoruba (yo)` and the like). */
export const translationSchema = z.object({
  label: text({ multiline: true }).max(2000).optional(),
  hint: text({ multiline: true }).max(2000).optional(),
  constraintMessage: text({ multiline: true }).max(500).optional(),
  requiredMessage: text({ multiline: true }).max(500).optional(),
});
export type Translation = z.infer<typeof translationSchema>;
/** By language as the form names it (`Yoruba (yo)`, `English (en)`, `yo`): the label etc. in that language. */
const translations = z.record(text().min(1).max(50), translationSchema);

const questionFields = {
  name,
  type: z.enum(QUESTION_TYPES),
  /** In the form's default language; other languages in `translations`. */
  label: text({ multiline: true }).max(2000).optional(),
  hint: text({ multiline: true }).max(2000).optional(),
  translations: translations.optional(),
  /** `true`, or an expression that decides whether an answer is required. */
  required: z.union([z.boolean(), expression]).optional(),
  requiredMessage: text({ multiline: true }).max(500).optional(),
  /** Skip logic: the question (or group/repeat) is shown (and answered) only when this is true. */
  relevant: expression.optional(),
  /** Must hold for a non-empty answer; `.` is the answer itself. */
  constraint: expression.optional(),
  constraintMessage: text({ multiline: true }).max(500).optional(),
  /** For `calculate` questions (and a read-only question's computed value). */
  calculation: expression.optional(),
  /** For select questions: the name of a choice list (a file's name for `select_one_from_file`). */
  choiceList: name.optional(),
  /** Cascading selects: a choice is offered when this holds, evaluated with the choice as `.`-context
   *  (its columns readable by name, e.g. `state=${state}`). */
  choiceFilter: expression.optional(),
  /** `select_one L or_other` as imported: the list has an `other` choice and the next question is
   *  `<name>_other`, a text relevant when `other` is selected. Kept so export writes `or_other` back. */
  orOther: z.boolean().optional(),
  /** The choice list came from an attached file (`select_one_from_file villages.csv`). */
  fromFile: z.boolean().optional(),
  appearance: text().max(200).optional(),
  /** XLSForm `parameters` (e.g. `max-pixels=1024`), kept as given. */
  parameters: text().max(500).optional(),
  readOnly: z.boolean().optional(),
  default: text({ multiline: true }).max(500).optional(),
  /** For `repeat`: how many instances, fixed by an expression (absent: the person adds and removes). */
  repeatCount: expression.optional(),
};

/**
 * One question, or a container of questions (`group`, `repeat`) with its children in `questions`.
 * Names are unique across the whole form (children of groups and repeats included). Answers of group
 * children sit beside every other answer; a repeat's answer is an array of objects, one per instance,
 * each keyed by the repeat's children's names (its groups' children included).
 */
export type Question = z.infer<z.ZodObject<typeof questionFields>> & { questions?: Question[] };
export const questionSchema: z.ZodType<Question> = z.lazy(() =>
  z.object({ ...questionFields, questions: z.array(questionSchema).max(2000).optional() }),
);

export const sectionSchema = z.object({
  name,
  /** Absent for the implicit sections that hold questions outside any group (XLSForm top level). */
  label: text({ multiline: true }).max(500).optional(),
  translations: translations.optional(),
  relevant: expression.optional(),
  /** `field-list`: every question of the section on one screen. */
  appearance: text().max(200).optional(),
  questions: z.array(questionSchema).max(2000),
});
export type Section = z.infer<typeof sectionSchema>;

export const choiceSchema = z.object({
  name: text().min(1).max(200),
  label: text({ multiline: true }).max(500),
  /** The label in other languages, by language as the form names it. */
  translations: z.record(text().min(1).max(50), text({ multiline: true }).max(500)).optional(),
  /** Other columns of the choices sheet (or of the attached CSV), read by `choice_filter` and `pulldata()`. */
  columns: z.record(text().min(1).max(64), text({ multiline: true }).max(500)).optional(),
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
  /** Every language the form has text in, the default first (absent: only the default). */
  languages: z.array(text().min(1).max(50)).max(20).optional(),
  sections: z.array(sectionSchema).min(1).max(200),
  /** Choice lists by name; a list read from an attached CSV is named by its file (`villages.csv`). */
  choiceLists: z.record(name, z.array(choiceSchema).max(20000)),
  /** Other question names mapped onto registry fields, when a form does not use the standard names. */
  fieldMap: z.partialRecord(z.enum(RESPONDENT_FIELDS), name).optional(),
});
export type FormSchema = z.infer<typeof formSchema>;

/**
 * A value as answered: text/number/date as string or number, select_multiple as string[], geopoint as
 * object, a media question as its attachment's file name, a repeat as one `Answers` per instance.
 */
export type GeoPoint = { lat: number; lng: number; accuracy?: number };
export type AnswerValue = string | number | boolean | string[] | GeoPoint | Answers[] | null;
export interface Answers {
  [name: string]: AnswerValue;
}

/** Every problem found in a form or a set of answers, with where it is. */
export interface FieldError {
  /**
   * Question name (answers) — inside a repeat `<repeat>[<n>].<name>`, n from 1 as XPath's position() —
   * or schema path such as `sections.2.questions.4.relevant` (forms; `…questions.4.questions.1…` inside
   * a group or repeat).
   */
  field: string;
  code: string;
  message: string;
}
