import { describe, expect, it } from 'vitest';
import type { Answers, FormSchema, InstanceState, Question } from './engine';
import { answerEntries } from './AnswerTree';
import { answerQuestions, instancesOf, reconcile, type Level } from './level';
import { errorLeaf, errorRoot, visibleScreens } from './screens';
import { formLanguages, initialLanguage, translator } from './translate';

const q = (name: string, type: Question['type'] = 'text', more: Partial<Question> = {}): Question => ({
  name,
  type,
  label: name.toUpperCase(),
  ...more,
});

const form: FormSchema = {
  formId: 'f',
  title: 'F',
  languages: ['English (en)', 'Yoruba (yo)'],
  sections: [
    { name: 's1', questions: [q('a'), q('g', 'group', { questions: [q('b'), q('c')] }), q('start', 'start')] },
    { name: 's2', appearance: 'field-list', questions: [q('d'), q('e')] },
    {
      name: 's3',
      questions: [
        q('fl', 'group', { appearance: 'field-list', questions: [q('f1'), q('f2')] }),
        q('hh', 'repeat', { questions: [q('age', 'integer'), q('inner', 'group', { questions: [q('job')] })] }),
      ],
    },
  ],
  choiceLists: {
    lga: [
      { name: 'ib', label: 'Ibadan', translations: { 'Yoruba (yo)': 'Ìbàdàn' } },
      { name: 'og', label: 'Ogbomoso' },
    ],
  },
};

function level(visible: string[], more: Partial<Level> = {}): Level & { visibleSections: Set<string> } {
  return {
    values: {},
    visibleQuestions: new Set(visible),
    required: new Set(),
    visibleSections: new Set(['s1', 's2', 's3']),
    ...more,
  };
}

describe('visibleScreens', () => {
  it('pages a plain group question by question, a field-list section or group and a repeat as one screen each', () => {
    const all = ['a', 'g', 'b', 'c', 'd', 'e', 'fl', 'f1', 'f2', 'hh'];
    const screens = visibleScreens(form, level(all));
    expect(screens.map((s) => [s.key, s.items.map((i) => i.name)])).toEqual([
      ['a', ['a']],
      ['b', ['b']],
      ['c', ['c']],
      ['s2', ['d', 'e']],
      ['fl', ['fl']],
      ['hh', ['hh']],
    ]);
    expect(screens[1]!.groups.map((g) => g.name)).toEqual(['g']);
    // A repeat's screen knows its children's names (to find a question, or its errors).
    expect([...screens[5]!.names]).toEqual(['hh', 'age', 'inner', 'job']);
  });

  it('hides a whole group when the engine hides it, and a group with nothing shown in it', () => {
    const screens = visibleScreens(form, level(['a', 'b', 'c', 'd', 'fl']));
    expect(screens.map((s) => s.key)).toEqual(['a', 's2']);
    expect(screens[1]!.items.map((i) => i.name)).toEqual(['d']);
  });
});

describe('error names', () => {
  it('reads the top question and the leaf question of an error inside repeats', () => {
    expect(errorRoot('hh[2].age')).toBe('hh');
    expect(errorLeaf('hh[2].age')).toBe('age');
    expect(errorLeaf('hh[1].kids[3].name.x')).toBe('name.x');
    expect(errorRoot('a')).toBe('a');
    expect(errorLeaf('a')).toBe('a');
  });
});

describe('reconcile', () => {
  const repeatForm = [q('n', 'integer'), q('hh', 'repeat', { questions: [q('lga', 'select_one')] })];
  const instance = (choices: Record<string, string[]> = {}): InstanceState => ({
    values: {},
    visibleQuestions: new Set(['lga']),
    required: new Set(),
    choices,
    repeats: {},
  });

  it('gives a repeat with a fixed count exactly that many instances, keeping the answers it has', () => {
    const answers: Answers = { n: 3, hh: [{ lga: 'ib' }] };
    const next = reconcile(repeatForm, answers, {
      ...level([]),
      repeats: { hh: { count: 3, instances: [instance(), instance(), instance()] } },
    });
    expect(next.hh).toEqual([{ lga: 'ib' }, {}, {}]);
    const fewer = reconcile(repeatForm, next, { ...level([]), repeats: { hh: { count: 1, instances: [instance()] } } });
    expect(fewer.hh).toEqual([{ lga: 'ib' }]);
  });

  it('leaves the answers themselves alone when they already agree', () => {
    const answers: Answers = { hh: [{ lga: 'ib' }] };
    expect(
      reconcile(repeatForm, answers, { ...level([]), repeats: { hh: { count: null, instances: [instance()] } } }),
    ).toBe(answers);
  });

  it('clears a choice no longer offered, at the top and inside an instance', () => {
    const top = [q('state', 'select_one'), q('lga', 'select_multiple'), ...repeatForm];
    const answers: Answers = { state: 'oy', lga: ['ib', 'og'], hh: [{ lga: 'og' }, { lga: 'ib' }] };
    const next = reconcile(top, answers, {
      ...level([]),
      choices: { state: ['oy'], lga: ['og'] },
      repeats: { hh: { count: null, instances: [instance({ lga: ['ib'] }), instance({ lga: ['ib'] })] } },
    });
    expect(next).toEqual({ state: 'oy', lga: ['og'], hh: [{}, { lga: 'ib' }] });
  });
});

describe('answerQuestions and instancesOf', () => {
  it('lists the answers at the top: group children flat, a repeat as one answer', () => {
    expect(answerQuestions(form).map((x) => x.name)).toEqual([
      'a',
      'g',
      'b',
      'c',
      'start',
      'd',
      'e',
      'fl',
      'f1',
      'f2',
      'hh',
    ]);
    expect(instancesOf([{ a: 1 }, 'x', null, [1]])).toEqual([{ a: 1 }]);
    expect(instancesOf('x')).toEqual([]);
  });
});

describe('translator', () => {
  const translated = q('name', 'text', {
    hint: 'Hint',
    constraintMessage: 'Too short',
    translations: { 'Yoruba (yo)': { label: 'Orúkọ', constraintMessage: 'Ó kúrú jù' } },
  });

  it('takes text from the language, falling back to the default where it has none', () => {
    const t = translator(form, 'Yoruba (yo)');
    expect(t.question(translated)).toMatchObject({ label: 'Orúkọ', hint: 'Hint', constraintMessage: 'Ó kúrú jù' });
    expect(t.question(translated)).toBe(t.question(translated));
    expect(t.choices(form.choiceLists.lga!).map((c) => c.label)).toEqual(['Ìbàdàn', 'Ogbomoso']);
    expect(t.message(translated, { code: 'CONSTRAINT', message: 'Too short' })).toBe('Ó kúrú jù');
    expect(t.message(translated, { code: 'REQUIRED', message: 'An answer is required' })).toBe('An answer is required');
  });

  it('shows the default text in the default language', () => {
    const t = translator(form, 'English (en)');
    expect(t.question(translated)).toBe(translated);
    expect(t.choices(form.choiceLists.lga!)).toBe(form.choiceLists.lga);
  });

  it('offers a switch only with two languages or more, and remembers only a language the form has', () => {
    expect(formLanguages(form)).toEqual(['English (en)', 'Yoruba (yo)']);
    expect(formLanguages({ ...form, languages: ['English (en)'] })).toEqual([]);
    expect(initialLanguage(form, 'Yoruba (yo)')).toBe('Yoruba (yo)');
    expect(initialLanguage(form, 'Hausa (ha)')).toBe('English (en)');
  });
});

describe('answerEntries', () => {
  it('lists a repeat as its instances and a group with its answered children', () => {
    const values: Answers = { a: 'x', b: 'y', hh: [{ age: 30, job: 'tailor' }, { age: 4 }] };
    const entries = answerEntries(
      form.sections.flatMap((s) => s.questions),
      values,
    );
    expect(entries.map((e) => [e.kind, e.question.name])).toEqual([
      ['answer', 'a'],
      ['group', 'g'],
      ['repeat', 'hh'],
    ]);
    const hh = entries[2]!;
    expect(hh.kind === 'repeat' && hh.instances.map((i) => i.map((e) => e.question.name))).toEqual([
      ['age', 'inner'],
      ['age'],
    ]);
  });
});
