import type { Choice, FieldError, FormSchema, Question, Section } from './engine';

/** The form's default language (whose text is in `label`, `hint`, … themselves). */
export function defaultLanguage(form: FormSchema): string | undefined {
  return form.defaultLanguage ?? form.languages?.[0];
}

/** The languages a person may switch between: more than one, or none (no switch shown). */
export function formLanguages(form: FormSchema): string[] {
  const languages = form.languages ?? [];
  return languages.length > 1 ? languages : [];
}

/**
 * The form's text in one language: each question, section and choice with its label (hint, messages)
 * from `translations[language]`, falling back to the default text where a translation is missing.
 * Copies are made once per element and language.
 */
export interface Translator {
  language: string | undefined;
  question(q: Question): Question;
  section(s: Section): Section;
  choices(list: readonly Choice[]): Choice[];
  /** An engine error's message in this language (the question's own required/constraint message). */
  message(q: Question | undefined, error: Pick<FieldError, 'code' | 'message'>): string;
}

/** The engine's own (English) messages, as ids of the app's catalogue (its UI language). */
const ENGINE_MESSAGES: Record<string, string> = {
  'An answer is required': 'collect.form.error.required',
  'At least one instance is required': 'collect.form.error.required',
  'Expected a whole number': 'collect.form.error.integer',
  'Expected a number': 'collect.form.error.decimal',
  'Expected a calendar date written YYYY-MM-DD': 'collect.form.error.date',
  'Expected a time written HH:MM or HH:MM:SS': 'collect.form.error.time',
};

/**
 * `ui` (the app's `t`) words the engine's own messages in the app's language; without it they stay
 * as the engine gives them.
 */
export function translator(form: FormSchema, language: string | undefined, ui?: (id: string) => string): Translator {
  const active = language && language !== defaultLanguage(form) ? language : undefined;
  const questions = new WeakMap<Question, Question>();
  const sections = new WeakMap<Section, Section>();
  const lists = new WeakMap<readonly Choice[], Choice[]>();
  function question(q: Question): Question {
    const t = active ? q.translations?.[active] : undefined;
    if (!t) return q;
    let copy = questions.get(q);
    if (!copy) {
      copy = {
        ...q,
        label: t.label ?? q.label,
        hint: t.hint ?? q.hint,
        constraintMessage: t.constraintMessage ?? q.constraintMessage,
        requiredMessage: t.requiredMessage ?? q.requiredMessage,
      };
      questions.set(q, copy);
    }
    return copy;
  }
  return {
    language: active ?? defaultLanguage(form),
    question,
    section(s) {
      const label = active ? s.translations?.[active]?.label : undefined;
      if (!label) return s;
      let copy = sections.get(s);
      if (!copy) sections.set(s, (copy = { ...s, label }));
      return copy;
    },
    choices(list) {
      if (!active || !list.some((c) => c.translations?.[active])) return list as Choice[];
      let copy = lists.get(list);
      if (!copy) {
        copy = list.map((c) => (c.translations?.[active] ? { ...c, label: c.translations[active] } : c));
        lists.set(list, copy);
      }
      return copy;
    },
    message(q, error) {
      const shown = q ? question(q) : undefined;
      if (error.code === 'REQUIRED' && shown?.requiredMessage) return shown.requiredMessage;
      if (error.code === 'CONSTRAINT' && shown?.constraintMessage) return shown.constraintMessage;
      const id =
        ENGINE_MESSAGES[error.message] ?? (error.code === 'CONSTRAINT' ? 'collect.form.error.constraint' : undefined);
      return ui && id ? ui(id) : error.message;
    },
  };
}

const LANGUAGE_KEY = 'oslrs.formLanguage';

/** The language last chosen on this device, if any. */
export function savedLanguage(): string | undefined {
  try {
    return localStorage.getItem(LANGUAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveLanguage(language: string): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
}

/** The language to show a form in: the device's choice when the form has it, else the default. */
export function initialLanguage(form: FormSchema, saved: string | undefined): string | undefined {
  return saved && form.languages?.includes(saved) ? saved : defaultLanguage(form);
}

/** A language name reduced for matching: lower case, marks removed (`Yorùbá (yo)` → `yoruba (yo)`). */
const plain = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

const LOCALE_WORDS: Record<string, string[]> = { en: ['english'], yo: ['yoruba'] };

/**
 * The form's language for the app's UI language (`en`, `yo`): XLSForm names languages like
 * `Yoruba (yo)`, `Yorùbá` or `English (en)`. Undefined when the form has no text in it.
 */
export function formLanguageFor(form: FormSchema, locale: string): string | undefined {
  const languages = form.languages ?? [];
  const words = LOCALE_WORDS[locale] ?? [];
  return languages.find((l) => {
    const name = plain(l);
    const code = /\(([a-z]{2,3})(?:[-_][a-z0-9]+)?\)$/.exec(name)?.[1];
    if (code) return code === locale;
    return words.some((w) => name === w || name.startsWith(`${w} `));
  });
}
