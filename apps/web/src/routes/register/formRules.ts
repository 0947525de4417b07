/**
 * How the wizard fits the public questionnaire: which questions its consent step answers (and so
 * hides from the questionnaire), and the answers it fills in from the account.
 */
import { normalizePhone } from '@oslrs/core';
import { isDisplayed, isEmptyAnswer, withAnswer } from '../../forms/answers';
import type { Answers, FormSchema } from '../../forms/engine';
import { fieldQuestion, findQuestion, ninQuestionName } from './collection';
import type { WizardState } from './wizardState';

/** The consent questions, by role, when the form has them. */
export function consentQuestions(form: FormSchema) {
  const has = (name: string) => (findQuestion(form, name) ? name : null);
  return {
    basic: has('consent_basic'),
    marketplace: has(form.fieldMap?.consent_marketplace ?? 'consent_marketplace'),
    enriched: has(form.fieldMap?.consent_enriched ?? 'consent_enriched'),
  };
}

/** The consent step's choices as answers (the second consent only when the first is yes). */
export function withConsentAnswers(form: FormSchema, answers: Answers, consent: WizardState['consent']): Answers {
  const names = consentQuestions(form);
  let next = answers;
  if (names.basic) next = withAnswer(next, names.basic, consent.basic ? 'yes' : undefined);
  if (names.marketplace) next = withAnswer(next, names.marketplace, consent.marketplace);
  if (names.enriched)
    next = withAnswer(next, names.enriched, consent.marketplace === 'yes' ? consent.enriched : undefined);
  return next;
}

/**
 * Questions the questionnaire does not show: those the consent step answered, notes left alone in
 * a section whose questions are all answered elsewhere, and the NIN when it is deferred.
 */
export function hiddenQuestionNames(form: FormSchema, ninDeferred: boolean): Set<string> {
  const names = consentQuestions(form);
  const hidden = new Set<string>([names.basic, names.marketplace, names.enriched].filter((n): n is string => !!n));
  for (const section of form.sections) {
    const shown = section.questions.filter((q) => isDisplayed(q) && q.type !== 'note');
    if (shown.length > 0 && shown.every((q) => hidden.has(q.name))) {
      for (const q of section.questions) if (q.type === 'note') hidden.add(q.name);
    }
  }
  const nin = ninQuestionName(form);
  if (ninDeferred && nin) hidden.add(nin);
  return hidden;
}

/** 0803 123 4567 style, as the questionnaire's phone questions expect it. */
function localPhone(phone: string): string | null {
  const e164 = normalizePhone(phone);
  return e164 ? `0${e164.slice(4)}` : null;
}

/** The account's email and phone, filled into empty questions, so nobody types them twice. */
export function prefillFromAccount(form: FormSchema, answers: Answers, email: string, phone: string): Answers {
  let next = answers;
  const emailQ = fieldQuestion(form, 'email');
  if (emailQ && email && isEmptyAnswer(next[emailQ])) next = withAnswer(next, emailQ, email);
  const phoneQ = fieldQuestion(form, 'phone_number');
  const local = phone ? localPhone(phone) : null;
  if (phoneQ && local && isEmptyAnswer(next[phoneQ])) next = withAnswer(next, phoneQ, local);
  return next;
}
