import { describe, expect, it } from 'vitest';
import { MASTER_FORM } from '../../../../packages/core/src/forms/fixtures/master';
import { masterAnswerSets } from '../../../../packages/core/src/forms/fixtures/master-answers';
import { compileForm, type Answers, type FormSchema, type Question } from './engine';
import { formStructure, progressAt, visibleScreens } from './screens';
import { formLanguageFor } from './translate';

const q = (name: string, more: Partial<Question> = {}): Question => ({ name, type: 'text', label: name, ...more });

/** Walks a form forward screen by screen, answering as it goes; returns the progress seen at each screen. */
function walk(form: FormSchema, answersFor: (name: string) => Answers[string] | undefined) {
  const compiled = compileForm(form);
  const structure = formStructure(form);
  let answers: Answers = {};
  const seen: { done: number; total: number; section: number; sections: number; screens: number }[] = [];
  for (let i = 0; i < 500; i++) {
    const screens = visibleScreens(form, compiled.evaluate(answers));
    const screen = screens[i];
    if (!screen) break;
    seen.push({ ...progressAt(structure, screen), screens: screens.length });
    for (const item of screen.items) {
      const value = answersFor(item.name);
      if (value !== undefined) answers = { ...answers, [item.name]: value };
    }
  }
  return seen;
}

describe('survey progress from the form’s structure', () => {
  it('never goes backwards nor past the end while skip logic opens questions', () => {
    // Each "yes" opens more questions: "Question N of M" would have grown M from 3 to 8 along the way.
    const form: FormSchema = {
      formId: 'skips',
      title: 'Skips',
      sections: [
        {
          name: 'general',
          questions: [
            q('a', { type: 'select_one', choiceList: 'yn' }),
            q('a1', { relevant: "${a} = 'yes'" }),
            q('a2', { relevant: "${a} = 'yes'" }),
            q('a3', { relevant: "${a} = 'yes'" }),
          ],
        },
        {
          name: 'grp_b',
          label: 'B',
          questions: [
            q('b', { type: 'select_one', choiceList: 'yn' }),
            q('g', {
              type: 'group',
              questions: [q('b1', { relevant: "${b} = 'yes'" }), q('b2', { relevant: "${b} = 'yes'" })],
            }),
          ],
        },
        {
          name: 'grp_c',
          label: 'C',
          questions: [q('c'), q('d', { type: 'calculate', calculation: '1', label: undefined })],
        },
      ],
      choiceLists: {
        yn: [
          { name: 'yes', label: 'Yes' },
          { name: 'no', label: 'No' },
        ],
      },
    };
    const seen = walk(form, (name) => (name === 'a' || name === 'b' ? 'yes' : 'x'));
    // The screen count did grow (3 at first, 8 once both answers opened their questions)…
    expect([seen[0]!.screens, seen.at(-1)!.screens]).toEqual([3, 8]);
    const totals = new Set(seen.map((s) => s.total)); // …the progress total did not
    expect(totals.size).toBe(1);
    for (const [i, s] of seen.entries()) {
      expect(s.done).toBeGreaterThanOrEqual(1);
      expect(s.done).toBeLessThanOrEqual(s.total);
      expect(s.section).toBeLessThanOrEqual(s.sections);
      if (i > 0) {
        expect(s.done).toBeGreaterThan(seen[i - 1]!.done);
        expect(s.section).toBeGreaterThanOrEqual(seen[i - 1]!.section);
      }
    }
    expect(seen.at(-1)).toMatchObject({ done: 8, total: 8, section: 3, sections: 3 });
  });

  it('walks the real master questionnaire forward only, with a fixed total', () => {
    const answers = masterAnswerSets()[0]!;
    const seen = walk(MASTER_FORM, (name) => answers[name]);
    expect(seen.length).toBeGreaterThan(10);
    expect(new Set(seen.map((s) => s.total)).size).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
    expect(seen.at(-1)!.done).toBeLessThanOrEqual(seen.at(-1)!.total);
  });
});

describe('the UI language picks the form’s translation', () => {
  const form = (languages: string[]): FormSchema => ({
    formId: 'f',
    title: 'F',
    languages,
    sections: [],
    choiceLists: {},
  });
  it('matches XLSForm language names by code or by name, marks or not', () => {
    expect(formLanguageFor(form(['English (en)', 'Yoruba (yo)']), 'yo')).toBe('Yoruba (yo)');
    expect(formLanguageFor(form(['English (en)', 'Yoruba (yo)']), 'en')).toBe('English (en)');
    expect(formLanguageFor(form(['English', 'Yorùbá']), 'yo')).toBe('Yorùbá');
    expect(formLanguageFor(form(['English', 'Hausa (ha)']), 'yo')).toBeUndefined();
    expect(formLanguageFor(form(['default', 'Yoruba Extra (yox)']), 'yo')).toBeUndefined();
  });
});
