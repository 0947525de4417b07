import {
  METADATA_TYPES,
  NAME_PATTERN,
  SELECT_TYPES,
  type Choice,
  type FormSchema,
  type Question,
  type QuestionType,
  type Section,
} from '../../../forms/engine';
import { t } from '../../../i18n';

/**
 * How editors change the draft: `edit` applies a change to the latest draft and returns the result.
 * It and `focusLater` never change, so a question or list that did not change is not drawn again.
 */
export interface EditorProps {
  edit: (change: (form: FormSchema) => FormSchema) => FormSchema;
  /** Focus the first of these element ids that exists once the next render is on screen. */
  focusLater: (...ids: string[]) => void;
}

// Pure edits of a draft questionnaire: each returns a new FormSchema and leaves the old one alone,
// so React sees every change and unchanged questions keep their identity.

/** What each question type is called, in the active language (read at render time: the language can change). */
const TYPE_LABELS: Record<QuestionType, () => string> = {
  text: () => t('staff.admin.builder.type.text'),
  integer: () => t('staff.admin.builder.type.integer'),
  decimal: () => t('staff.admin.builder.type.decimal'),
  date: () => t('staff.admin.builder.type.date'),
  time: () => t('staff.admin.builder.type.time'),
  datetime: () => t('staff.admin.builder.type.datetime'),
  select_one: () => t('staff.admin.builder.type.select_one'),
  select_multiple: () => t('staff.admin.builder.type.select_multiple'),
  phone: () => t('staff.admin.builder.type.phone'),
  email: () => t('staff.admin.builder.type.email'),
  nin: () => t('staff.admin.builder.type.nin'),
  geopoint: () => t('staff.admin.builder.type.geopoint'),
  barcode: () => t('staff.admin.builder.type.barcode'),
  image: () => t('staff.admin.builder.type.image'),
  audio: () => t('staff.admin.builder.type.audio'),
  video: () => t('staff.admin.builder.type.video'),
  file: () => t('staff.admin.builder.type.file'),
  group: () => t('staff.admin.builder.type.group'),
  repeat: () => t('staff.admin.builder.type.repeat'),
  note: () => t('staff.admin.builder.type.note'),
  calculate: () => t('staff.admin.builder.type.calculate'),
  start: () => t('staff.admin.builder.type.start'),
  end: () => t('staff.admin.builder.type.end'),
  today: () => t('staff.admin.builder.type.today'),
  deviceid: () => t('staff.admin.builder.type.deviceid'),
  username: () => t('staff.admin.builder.type.username'),
  phonenumber: () => t('staff.admin.builder.type.phonenumber'),
};

export function typeLabel(type: QuestionType): string {
  return TYPE_LABELS[type]?.() ?? type;
}

export function isSelectType(type: QuestionType): boolean {
  return (SELECT_TYPES as readonly string[]).includes(type);
}
export function isMetadataType(type: QuestionType): boolean {
  return (METADATA_TYPES as readonly string[]).includes(type);
}
/** Types that take an answer a person types or chooses (so required and constraint apply). */
export function isAnswerType(type: QuestionType): boolean {
  return !isMetadataType(type) && type !== 'note' && type !== 'calculate';
}

/** The schema path of a field, as analyzeForm reports it: `sections.1.questions.3.relevant`. */
export function questionPath(si: number, qi: number, field?: string): string {
  return `sections.${si}.questions.${qi}${field ? `.${field}` : ''}`;
}
export function sectionPath(si: number, field?: string): string {
  return `sections.${si}${field ? `.${field}` : ''}`;
}
export function choiceListPath(list: string, ci?: number, field?: string): string {
  return ['choiceLists', list, ci, field].filter((part) => part !== undefined).join('.');
}

/** The element id of a field in the builder, made from its schema path. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

export function allQuestionNames(form: FormSchema): Set<string> {
  return new Set(form.sections.flatMap((s) => s.questions.map((q) => q.name)));
}

export function uniqueName(base: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const name = `${base}_${n}`;
    if (!taken.has(name)) return name;
  }
}

/** The smallest questionnaire that is valid: one section with one text question. */
export function minimalForm(): FormSchema {
  return {
    formId: `questionnaire_${Date.now().toString(36)}`,
    title: 'New questionnaire',
    sections: [
      {
        name: 'section_1',
        label: 'Section 1',
        questions: [{ name: 'question_1', type: 'text', label: 'Question 1' }],
      },
    ],
    choiceLists: {},
  };
}

function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((existing, i) => (i === index ? item : existing));
}

/** Drop keys set to undefined, so optional fields are absent rather than present and empty. */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function setForm(form: FormSchema, patch: Partial<Pick<FormSchema, 'title' | 'formId' | 'version'>>) {
  return clean({ ...form, ...patch });
}

export function updateSection(form: FormSchema, si: number, patch: Partial<Omit<Section, 'questions'>>): FormSchema {
  const section = form.sections[si];
  if (!section) return form;
  return { ...form, sections: replaceAt(form.sections, si, clean({ ...section, ...patch })) };
}

export function addSection(form: FormSchema): FormSchema {
  const taken = new Set(form.sections.map((s) => s.name));
  const name = uniqueName('section', taken);
  return {
    ...form,
    sections: [...form.sections, { name, label: `Section ${form.sections.length + 1}`, questions: [] }],
  };
}

export function removeSection(form: FormSchema, si: number): FormSchema {
  return { ...form, sections: form.sections.filter((_, i) => i !== si) };
}

export function moveSection(form: FormSchema, si: number, delta: -1 | 1): FormSchema {
  const to = si + delta;
  if (to < 0 || to >= form.sections.length) return form;
  const sections = [...form.sections];
  [sections[si], sections[to]] = [sections[to]!, sections[si]!];
  return { ...form, sections };
}

export function updateQuestion(form: FormSchema, si: number, qi: number, question: Question): FormSchema {
  const section = form.sections[si];
  if (!section) return form;
  return updateSectionQuestions(form, si, replaceAt(section.questions, qi, clean(question)));
}

function updateSectionQuestions(form: FormSchema, si: number, questions: Question[]): FormSchema {
  const section = form.sections[si];
  if (!section) return form;
  return { ...form, sections: replaceAt(form.sections, si, { ...section, questions }) };
}

export function addQuestion(form: FormSchema, si: number): { form: FormSchema; question: Question } {
  const name = uniqueName('question', allQuestionNames(form));
  const count = form.sections.reduce((n, s) => n + s.questions.length, 0);
  const question: Question = { name, type: 'text', label: `Question ${count + 1}` };
  const section = form.sections[si];
  if (!section) return { form, question };
  return { form: updateSectionQuestions(form, si, [...section.questions, question]), question };
}

export function removeQuestion(form: FormSchema, si: number, qi: number): FormSchema {
  const section = form.sections[si];
  if (!section) return form;
  return updateSectionQuestions(
    form,
    si,
    section.questions.filter((_, i) => i !== qi),
  );
}

/**
 * Move a question one place up or down. At the top (bottom) of a section it moves to the end
 * (start) of the section before (after), so a question can travel anywhere by buttons alone.
 * Returns the question's new place, or null when it cannot move.
 */
export function moveQuestion(
  form: FormSchema,
  si: number,
  qi: number,
  delta: -1 | 1,
): { form: FormSchema; si: number; qi: number } | null {
  const section = form.sections[si];
  const question = section?.questions[qi];
  if (!section || !question) return null;
  const to = qi + delta;
  if (to >= 0 && to < section.questions.length) {
    const questions = [...section.questions];
    [questions[qi], questions[to]] = [questions[to]!, questions[qi]!];
    return { form: updateSectionQuestions(form, si, questions), si, qi: to };
  }
  const targetIndex = si + delta;
  const target = form.sections[targetIndex];
  if (!target) return null;
  let next = updateSectionQuestions(
    form,
    si,
    section.questions.filter((_, i) => i !== qi),
  );
  const targetQuestions = delta < 0 ? [...target.questions, question] : [question, ...target.questions];
  next = updateSectionQuestions(next, targetIndex, targetQuestions);
  return { form: next, si: targetIndex, qi: delta < 0 ? targetQuestions.length - 1 : 0 };
}

/** A new type keeps what still applies and drops what does not (a calculation on a text question…). */
export function changeType(question: Question, type: QuestionType): Question {
  const next: Question = { ...question, type };
  if (!isSelectType(type)) delete next.choiceList;
  if (type !== 'calculate') delete next.calculation;
  if (!isAnswerType(type)) {
    delete next.required;
    delete next.constraint;
    delete next.constraintMessage;
  }
  if (isMetadataType(type)) {
    delete next.relevant;
    delete next.readOnly;
    delete next.default;
  }
  return clean(next);
}

// ---- choice lists ----

export function checkListName(form: FormSchema, name: string, current?: string): string | undefined {
  if (!name) return t('staff.admin.builder.errListName');
  if (!NAME_PATTERN.test(name)) return t('staff.admin.builder.errListPattern');
  if (name !== current && Object.hasOwn(form.choiceLists, name)) return t('staff.admin.builder.errListTaken', { name });
  return undefined;
}

export function addChoiceList(form: FormSchema, name: string): FormSchema {
  return { ...form, choiceLists: { ...form.choiceLists, [name]: [] } };
}

/** Rename a list and every question that uses it; the lists keep their order. */
export function renameChoiceList(form: FormSchema, from: string, to: string): FormSchema {
  if (from === to) return form;
  const choiceLists = Object.fromEntries(
    Object.entries(form.choiceLists).map(([name, choices]) => [name === from ? to : name, choices]),
  );
  const sections = form.sections.map((section) =>
    section.questions.some((q) => q.choiceList === from)
      ? { ...section, questions: section.questions.map((q) => (q.choiceList === from ? { ...q, choiceList: to } : q)) }
      : section,
  );
  return { ...form, sections, choiceLists };
}

export function removeChoiceList(form: FormSchema, name: string): FormSchema {
  const choiceLists = { ...form.choiceLists };
  delete choiceLists[name];
  return { ...form, choiceLists };
}

function setChoices(form: FormSchema, list: string, choices: Choice[]): FormSchema {
  return { ...form, choiceLists: { ...form.choiceLists, [list]: choices } };
}

export function addChoice(form: FormSchema, list: string): FormSchema {
  const choices = form.choiceLists[list] ?? [];
  return setChoices(form, list, [...choices, { name: '', label: '' }]);
}

export function updateChoice(form: FormSchema, list: string, ci: number, choice: Choice): FormSchema {
  return setChoices(form, list, replaceAt(form.choiceLists[list] ?? [], ci, choice));
}

export function removeChoice(form: FormSchema, list: string, ci: number): FormSchema {
  return setChoices(
    form,
    list,
    (form.choiceLists[list] ?? []).filter((_, i) => i !== ci),
  );
}

export function moveChoice(form: FormSchema, list: string, ci: number, delta: -1 | 1): FormSchema {
  const choices = [...(form.choiceLists[list] ?? [])];
  const to = ci + delta;
  if (to < 0 || to >= choices.length) return form;
  [choices[ci], choices[to]] = [choices[to]!, choices[ci]!];
  return setChoices(form, list, choices);
}
