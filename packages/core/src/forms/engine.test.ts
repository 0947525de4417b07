import { describe, expect, it } from 'vitest';
import { LGA_CODES } from '../lgas.js';
import { FormInvalidError, compileForm, type CompiledForm } from './engine.js';
import type { EvalContext } from './expression.js';
import { MASTER_FORM } from './fixtures/master.js';
import { MAX_REPEAT_INSTANCES, type Answers, type FormSchema, type Question } from './schema.js';

const ctx: EvalContext = { today: new Date('2026-05-01T10:00:00Z') };
const master: CompiledForm = compileForm(MASTER_FORM);

/** A complete, valid answer set: an employed adult interviewed by an enumerator. */
function adult(over: Answers = {}): Answers {
  return {
    start_time: '2026-05-01T09:00:00.000Z',
    end_time: '2026-05-01T09:12:00.000Z',
    device_id: 'enum-device-7',
    gps_location: { lat: 7.3775, lng: 3.947, accuracy: 8 },
    consent_basic: 'yes',
    surname: 'Adeyemi',
    firstname: 'Folake',
    gender: 'female',
    dob: '1990-03-14',
    marital_status: 'married',
    education_level: 'sss',
    disability_status: 'no',
    phone_number: '08031234567',
    email: 'folake@example.com',
    nin: '48213957062',
    lga_id: 'ibadan_north',
    employment_status: 'yes',
    main_occupation: 'Tailor',
    employment_type: 'self_employed',
    years_experience: '7_10',
    hours_worked: 48,
    monthly_income: 85000,
    is_head: 'no',
    household_size: 5,
    dependents_count: 3,
    housing_status: 'rented',
    skills_possessed: ['tailoring', 'fashion_design'],
    training_interest: ['digital_marketing'],
    has_business: 'yes',
    business_name: 'Folake Stitches',
    business_reg: 'registered',
    business_address: '12 Ring Road, Ibadan',
    apprentice_count: 2,
    consent_marketplace: 'yes',
    consent_enriched: 'yes',
    bio_short: 'Tailor and fashion designer, 8 years.',
    portfolio_url: 'https://instagram.com/folakestitches',
    ...over,
  };
}
/** An 11-year-old apprentice registered with a guardian's consent. */
function child(over: Answers = {}): Answers {
  const a = adult({
    dob: '2015-01-20',
    guardian_name: 'Bola Adeyemi',
    guardian_relationship: 'parent',
    guardian_phone: '08051234567',
    guardian_consent: 'yes',
    is_supervised_apprentice: 'yes',
    apprenticeship_details: 'Tailoring, under Mrs Ade',
    ...over,
  });
  for (const k of [
    'employment_status',
    'main_occupation',
    'employment_type',
    'years_experience',
    'hours_worked',
    'monthly_income',
  ])
    delete a[k];
  return a;
}
const errorsOf = (a: Answers, f = master) => f.validate(a, ctx).errors.map((e) => [e.field, e.code]);
const LABOUR = [
  'employment_status',
  'temp_absent',
  'looking_for_work',
  'available_for_work',
  'main_occupation',
  'employment_type',
  'years_experience',
  'hours_worked',
  'monthly_income',
];
const GUARDIAN = [
  'note_guardian',
  'guardian_name',
  'guardian_relationship',
  'guardian_phone',
  'guardian_consent',
  'is_supervised_apprentice',
  'apprenticeship_details',
];

describe('the master questionnaire', () => {
  it('knows its questions in form order, with their sections', () => {
    expect(master.order).toHaveLength(52);
    expect(master.order.slice(0, 6)).toEqual([
      'start_time',
      'end_time',
      'device_id',
      'gps_location',
      'form_mode',
      'note_intro',
    ]);
    expect(master.sectionOf.get('form_mode')).toBe('_top_1');
    expect(master.sectionOf.get('hours_worked')).toBe('grp_labor');
  });

  it('accepts an employed adult, with the employed path of the labour section visible', () => {
    const a = adult();
    const result = master.validate(a, ctx);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    const state = master.evaluate(a, ctx);
    const visibleLabour = LABOUR.filter((n) => state.visibleQuestions.has(n));
    expect(visibleLabour).toEqual([
      'employment_status',
      'main_occupation',
      'employment_type',
      'years_experience',
      'hours_worked',
      'monthly_income',
    ]);
    expect(state.visibleSections).toEqual(
      new Set(['_top_1', 'grp_intro', 'grp_identity', 'grp_labor', 'grp_household', 'grp_skills', 'grp_marketplace']),
    );
    expect(GUARDIAN.some((n) => state.visibleQuestions.has(n))).toBe(false);
    expect(state.required.has('hours_worked')).toBe(true);
    expect(state.required.has('monthly_income')).toBe(false);
    // calculate and metadata are never "visible", notes are
    for (const n of ['form_mode', 'age', 'start_time', 'device_id']) expect(state.visibleQuestions.has(n)).toBe(false);
    expect(state.visibleQuestions.has('note_intro')).toBe(true);
    expect(state.values).toMatchObject({ form_mode: 'enumerator', age: 36, device_id: 'enum-device-7' });
    expect(result.values).toEqual(state.values);
  });

  it('follows the labour force questions for someone not working', () => {
    const a = adult({ employment_status: 'no', temp_absent: 'no', looking_for_work: 'no', available_for_work: 'yes' });
    const state = master.evaluate(a, ctx);
    expect(LABOUR.filter((n) => state.visibleQuestions.has(n))).toEqual([
      'employment_status',
      'temp_absent',
      'looking_for_work',
      'available_for_work',
    ]);
    // the employed answers still in the payload are dropped, not errors
    expect(state.values).not.toHaveProperty('main_occupation');
    expect(state.values).not.toHaveProperty('hours_worked');
    expect(master.validate(a, ctx).errors).toEqual([]);
    // temporarily absent: occupation questions again, but not hours
    const absent = master.evaluate(adult({ employment_status: 'no', temp_absent: 'yes' }), ctx);
    expect(LABOUR.filter((n) => absent.visibleQuestions.has(n))).toEqual([
      'employment_status',
      'temp_absent',
      'main_occupation',
      'employment_type',
      'years_experience',
    ]);
  });

  it('shows the guardian section and hides the labour section for an under-15', () => {
    const a = child();
    const state = master.evaluate(a, ctx);
    expect(state.values.age).toBe(11);
    expect(state.visibleSections.has('grp_guardian')).toBe(true);
    expect(state.visibleSections.has('grp_labor')).toBe(false);
    expect(GUARDIAN.filter((n) => state.visibleQuestions.has(n))).toEqual(GUARDIAN);
    expect(LABOUR.some((n) => state.visibleQuestions.has(n))).toBe(false);
    expect(master.validate(a, ctx).errors).toEqual([]);
    const missing = child({ guardian_consent: undefined as never, guardian_phone: '12345' });
    delete missing.guardian_consent;
    expect(errorsOf(missing)).toEqual([
      ['guardian_phone', 'CONSTRAINT'],
      ['guardian_consent', 'REQUIRED'],
    ]);
    // labour answers sent for a child are dropped, not validated
    const extra = master.validate(child({ employment_status: 'maybe', hours_worked: 500 }), ctx);
    expect(extra.errors).toEqual([]);
    expect(extra.values).not.toHaveProperty('employment_status');
  });

  it('hides identity when consent is refused', () => {
    const a: Answers = {
      device_id: 'enum-device-7',
      consent_basic: 'no',
      surname: 'Should be dropped',
      is_head: 'yes',
      household_size: 1,
      dependents_count: 0,
      housing_status: 'owned',
      skills_possessed: 'farming',
      has_business: 'no',
      consent_marketplace: 'no',
    };
    const state = master.evaluate(a, ctx);
    expect(state.visibleSections.has('grp_identity')).toBe(false);
    for (const n of ['surname', 'firstname', 'dob', 'phone_number', 'nin', 'lga_id'])
      expect(state.visibleQuestions.has(n)).toBe(false);
    expect(state.values).not.toHaveProperty('surname');
    // no date of birth → no age → neither the labour nor the guardian section
    expect(state.values).not.toHaveProperty('age'); // a calculate inside the hidden section
    expect(state.visibleSections.has('grp_labor')).toBe(false);
    expect(state.visibleSections.has('grp_guardian')).toBe(false);
    expect(master.validate(a, ctx).errors).toEqual([]);
    expect(state.values.skills_possessed).toEqual(['farming']);
  });

  it('calculates age from the date of birth against a fixed today', () => {
    const age = (dob: string, today = ctx) => master.evaluate({ consent_basic: 'yes', dob }, today).values.age;
    expect(age('2000-06-15')).toBe(25);
    expect(age('2011-05-01')).toBe(15);
    expect(age('2011-05-03')).toBe(14);
    expect(age('1990-03-14')).toBe(36);
    expect(age('2000-06-15', { today: new Date('2030-06-16T08:00:00Z') })).toBe(30);
    expect(master.evaluate({ consent_basic: 'yes' }, ctx).values.age).toBe(''); // no dob: empty, not NaN
    // a refused consent hides the identity section, age (inside it) included
    expect(master.evaluate({ consent_basic: 'no', dob: '2000-06-15' }, ctx).values).not.toHaveProperty('age');
  });

  it('reports every constraint failure with the form’s message', () => {
    const a = adult({
      phone_number: '0803123456',
      nin: '4821395706',
      hours_worked: 169,
      household_size: 4,
      dependents_count: 4,
      skills_other: 'x'.repeat(201),
    });
    const { valid, errors } = master.validate(a, ctx);
    expect(valid).toBe(false);
    expect(errors).toEqual([
      { field: 'phone_number', code: 'CONSTRAINT', message: 'Enter a valid Nigerian mobile number' },
      { field: 'nin', code: 'CONSTRAINT', message: 'NIN must be exactly 11 digits' },
      { field: 'hours_worked', code: 'CONSTRAINT', message: 'Must be between 0 and 168 hours' },
      { field: 'dependents_count', code: 'CONSTRAINT', message: 'Cannot exceed household size' },
      { field: 'skills_other', code: 'CONSTRAINT', message: 'Maximum 200 characters' },
    ]);
    expect(errorsOf(adult({ household_size: 0, dependents_count: 0 }))).toEqual([
      ['household_size', 'CONSTRAINT'],
      ['dependents_count', 'CONSTRAINT'],
    ]);
    // A future date of birth breaks its constraint. (It also makes age negative, so the form's own logic
    // shows the under-15 guardian section and hides the labour section.)
    const future = master.validate(adult({ dob: '2026-05-02' }), ctx);
    expect(future.errors[0]).toEqual({ field: 'dob', code: 'CONSTRAINT', message: 'Cannot be a future date' });
    expect(future.values.age).toBe(0);
    expect(future.errors.map((e) => e.field)).not.toContain('hours_worked');
    expect(errorsOf(adult({ hours_worked: '168' }))).toEqual([]);
    expect(errorsOf(adult({ household_size: 5, dependents_count: 5 }))).toEqual([['dependents_count', 'CONSTRAINT']]);
    expect(errorsOf(adult({ household_size: '5', dependents_count: '4' }))).toEqual([]);
    // born today is not the future (only the guardian section, now shown, is missing)
    expect(errorsOf(adult({ dob: '2026-05-01' })).filter(([f]) => f === 'dob')).toEqual([]);
  });

  it('accepts a NIN whatever its last digit (there is no checksum)', () => {
    for (let d = 0; d <= 9; d++) expect(errorsOf(adult({ nin: `4821395706${d}` })), String(d)).toEqual([]);
    expect(errorsOf(adult({ nin: '482139570621' }))).toEqual([['nin', 'CONSTRAINT']]);
  });

  it('reports missing required answers, and only for visible questions', () => {
    const a = adult();
    delete a.surname;
    delete a.hours_worked;
    delete a.monthly_income; // optional
    expect(errorsOf({ ...a, firstname: '   ', skills_possessed: [] })).toEqual([
      ['surname', 'REQUIRED'],
      ['firstname', 'REQUIRED'],
      ['hours_worked', 'REQUIRED'],
      ['skills_possessed', 'REQUIRED'],
    ]);
    expect(errorsOf({})).toEqual([
      ['consent_basic', 'REQUIRED'],
      ['is_head', 'REQUIRED'],
      ['household_size', 'REQUIRED'],
      ['dependents_count', 'REQUIRED'],
      ['housing_status', 'REQUIRED'],
      ['skills_possessed', 'REQUIRED'],
      ['has_business', 'REQUIRED'],
      ['consent_marketplace', 'REQUIRED'],
    ]);
  });

  it('refuses choices that are not in the list', () => {
    expect(
      errorsOf(adult({ gender: 'robot', lga_id: 'lagos_island', skills_possessed: ['tailoring', 'astronaut'] })),
    ).toEqual([
      ['gender', 'CHOICE_INVALID'],
      ['lga_id', 'CHOICE_INVALID'],
      ['skills_possessed', 'CHOICE_INVALID'],
    ]);
    expect(master.validate(adult({ skills_possessed: ['astronaut'] }), ctx).errors[0]!.message).toContain(
      '"astronaut"',
    );
    // every LGA code is a choice
    for (const code of LGA_CODES) expect(errorsOf(adult({ lga_id: code })), code).toEqual([]);
    // select_multiple as a space-separated string
    const spaced = master.validate(adult({ skills_possessed: 'tailoring  baking' }), ctx);
    expect(spaced.errors).toEqual([]);
    expect(spaced.values.skills_possessed).toEqual(['tailoring', 'baking']);
    expect(errorsOf(adult({ skills_possessed: [1, 2] as unknown as string[] }))).toEqual([
      ['skills_possessed', 'CHOICE_INVALID'],
    ]);
  });

  it('refuses unknown answer keys and answers to notes, but allows metadata and calculate names', () => {
    expect(errorsOf(adult({ favourite_colour: 'blue', form_mode: 'public', age: 99 }))).toEqual([
      ['favourite_colour', 'UNKNOWN_FIELD'],
    ]);
    expect(errorsOf(adult({ note_intro: 'hello', grp_identity: 'x' }))).toEqual([
      ['note_intro', 'NOT_ANSWERABLE'],
      ['grp_identity', 'UNKNOWN_FIELD'],
    ]);
    // calculations are recomputed (age), but once() keeps a value already set (form_mode)
    const values = master.validate(adult({ form_mode: 'public', age: 99 }), ctx).values;
    expect(values).toMatchObject({ form_mode: 'public', age: 36 });
    expect(master.evaluate(adult({ device_id: undefined as never }), ctx).values.form_mode).toBe('public');
  });

  it('refuses a 20,000-character text answer and values of the wrong type', () => {
    expect(errorsOf(adult({ surname: 'A'.repeat(20_000) }))).toEqual([['surname', 'TOO_LONG']]);
    expect(errorsOf(adult({ surname: 'A'.repeat(10_000) }))).toEqual([]);
    expect(
      errorsOf(
        adult({
          dob: '1990-02-30',
          household_size: '3.5',
          apprentice_count: 'two',
          gps_location: { lat: 91, lng: 3.9 },
          firstname: { x: 1 } as never,
        }),
      ),
    ).toEqual([
      ['gps_location', 'GEOPOINT_INVALID'],
      ['firstname', 'TYPE'],
      ['dob', 'TYPE'],
      ['household_size', 'TYPE'],
      ['apprentice_count', 'TYPE'],
    ]);
    expect(errorsOf(adult({ gps_location: { lat: 7.4, lng: 3.9, accuracy: -1 } }))).toEqual([
      ['gps_location', 'GEOPOINT_INVALID'],
    ]);
    expect(errorsOf(adult({ gps_location: '7.4 3.9 200 12' }))).toEqual([]);
    expect(errorsOf(adult({ start_time: 'yesterday' }))).toEqual([['start_time', 'TYPE']]);
  });

  it('normalises numbers given as text in values', () => {
    const values = master.evaluate(adult({ household_size: '5', hours_worked: ' 40 ' }), ctx).values;
    expect(values.household_size).toBe(5);
    expect(values.hours_worked).toBe(40);
  });
});

describe('the engine on small forms', () => {
  const q = (name: string, extra: Partial<Question> = {}): Question => ({ name, type: 'text', ...extra });
  const make = (questions: Question[]): FormSchema => ({
    formId: 'small',
    title: 'Small',
    sections: [{ name: 'main', questions }],
    choiceLists: { yes_no: [{ name: 'yes', label: 'Yes' }] },
  });

  it('checks phone, email, NIN, decimal and integer types', () => {
    const f = compileForm(
      make([
        q('p', { type: 'phone' }),
        q('e', { type: 'email' }),
        q('n', { type: 'nin' }),
        q('d', { type: 'decimal' }),
        q('i', { type: 'integer' }),
      ]),
    );
    expect(errorsOf({ p: '+234 803 123 4567', e: 'a.b@example.ng', n: '482-139 57062', d: '2.5', i: -3 }, f)).toEqual(
      [],
    );
    expect(errorsOf({ p: '0003123456', e: 'a@b', n: '11111111111', d: '2,5', i: 2.5 }, f)).toEqual([
      ['p', 'PHONE_INVALID'],
      ['e', 'EMAIL_INVALID'],
      ['n', 'NIN_INVALID'],
      ['d', 'TYPE'],
      ['i', 'TYPE'],
    ]);
    expect(errorsOf({ n: '4821395706' }, f)).toEqual([['n', 'NIN_INVALID']]);
  });

  it('evaluates required expressions and uses values computed in dependency order', () => {
    const f = compileForm(
      make([
        // calculate before the questions it depends on, relevance on a later question
        q('total', { type: 'calculate', calculation: '${a} + ${b}' }),
        q('big', { relevant: '${total} > 10', required: "${flag} = 'yes'" }),
        q('a', { type: 'integer' }),
        q('b', { type: 'integer' }),
        q('flag', { type: 'select_one', choiceList: 'yes_no' }),
      ]),
    );
    expect(f.order).toEqual(['total', 'big', 'a', 'b', 'flag']);
    const s = f.evaluate({ a: 4, b: 9, flag: 'yes' }, ctx);
    expect(s.values.total).toBe(13);
    expect(s.visibleQuestions.has('big')).toBe(true);
    expect(s.required.has('big')).toBe(true);
    expect(errorsOf({ a: 4, b: 9, flag: 'yes' }, f)).toEqual([['big', 'REQUIRED']]);
    expect(errorsOf({ a: 4, b: 9 }, f)).toEqual([]);
    expect(f.evaluate({ a: 1, b: 2 }, ctx).visibleQuestions.has('big')).toBe(false);
    expect(f.evaluate({ a: 1 }, ctx).values.total).toBe(''); // NaN → empty
  });

  it('handles question names that plain objects inherit', () => {
    const f = compileForm(make([q('constructor'), q('__proto__'), q('toString', { required: true })]));
    const s = f.evaluate({}, ctx);
    expect(Object.keys(s.values)).toEqual([]);
    expect(errorsOf({}, f)).toEqual([['toString', 'REQUIRED']]);
    const answers = JSON.parse('{"__proto__": "x", "constructor": "y", "toString": "z"}') as Answers;
    const v = f.validate(answers, ctx);
    expect(v.errors).toEqual([]);
    expect(Object.keys(v.values)).toEqual(['constructor', '__proto__', 'toString']);
    expect(Object.getPrototypeOf(v.values)).toBe(Object.prototype);
  });

  it('hides every question of a hidden section, and shows empty sections by their relevance', () => {
    const form: FormSchema = {
      formId: 'sections',
      title: 'Sections',
      sections: [
        { name: 'a', questions: [q('go', { type: 'select_one', choiceList: 'yes_no' })] },
        { name: 'b', relevant: "${go} = 'yes'", questions: [q('x', { required: true }), q('n', { type: 'note' })] },
        { name: 'c', relevant: "${go} = 'yes'", questions: [] },
      ],
      choiceLists: { yes_no: [{ name: 'yes', label: 'Yes' }] },
    };
    const f = compileForm(form);
    expect(f.evaluate({}, ctx).visibleSections).toEqual(new Set(['a']));
    expect(errorsOf({ x: 'dropped' }, f)).toEqual([]);
    const shown = f.evaluate({ go: 'yes' }, ctx);
    expect(shown.visibleSections).toEqual(new Set(['a', 'b', 'c']));
    expect(shown.visibleQuestions).toEqual(new Set(['go', 'x', 'n']));
    expect(errorsOf({ go: 'yes' }, f)).toEqual([['x', 'REQUIRED']]);
  });
});

describe('XLSForm structure: groups, repeats, choice filters, look-ups (issue 14)', () => {
  const q = (name: string, extra: Partial<Question> = {}): Question => ({ name, type: 'text', ...extra });
  const make = (questions: Question[], choiceLists: FormSchema['choiceLists'] = {}): FormSchema => ({
    formId: 'xls',
    title: 'XLSForm',
    sections: [{ name: 'main', questions }],
    choiceLists: {
      yes_no: [
        { name: 'yes', label: 'Yes' },
        { name: 'no', label: 'No' },
      ],
      ...choiceLists,
    },
  });
  const issuesOf = (form: FormSchema) => {
    try {
      compileForm(form);
    } catch (e) {
      return (e as FormInvalidError).issues.map((i) => [i.field, i.code, i.message]);
    }
    return [];
  };
  const household = () =>
    compileForm(
      make([
        q('hh_size', { type: 'integer' }),
        q('members', {
          type: 'repeat',
          repeatCount: '${hh_size}',
          questions: [
            q('m_name', { required: true }),
            q('m_age', { type: 'integer' }),
            q('pos', { type: 'calculate', calculation: 'position(..)' }),
            q('older', { type: 'calculate', calculation: '../m_age > 17' }),
            q('prev_name', {
              type: 'calculate',
              calculation: 'indexed-repeat(${m_name}, ${members}, position(..) - 1)',
            }),
            q('school', { type: 'select_one', choiceList: 'yes_no', relevant: '${m_age} < 18 and ${hh_size} > 1' }),
          ],
        }),
        q('total_age', { type: 'calculate', calculation: 'sum(${m_age})' }),
        q('n_members', { type: 'calculate', calculation: 'count(${members})' }),
        q('oldest', { type: 'calculate', calculation: 'max(${m_age})' }),
        q('youngest', { type: 'calculate', calculation: 'min(${m_age})' }),
        q('names', { type: 'calculate', calculation: "join(', ', ${m_name})" }),
        q('second', { type: 'calculate', calculation: 'indexed-repeat(${m_name}, ${members}, 2)' }),
        q('big', { relevant: '${total_age} > 100' }),
      ]),
    );

  it('evaluates a repeat per instance: count, position, siblings, outer questions, aggregates, indexed-repeat', () => {
    const f = household();
    const answers: Answers = {
      hh_size: 3,
      members: [
        { m_name: 'Ade', m_age: 40 },
        { m_name: 'Bisi', m_age: 12, school: 'yes' },
        { m_name: 'Tola', m_age: 70 },
      ],
    };
    const s = f.evaluate(answers, ctx);
    expect(s.repeats.members!.count).toBe(3);
    const inst = s.repeats.members!.instances;
    expect(inst.map((i) => i.values.pos)).toEqual([1, 2, 3]);
    expect(inst.map((i) => i.values.older)).toEqual([true, false, true]);
    expect(inst.map((i) => i.values.prev_name)).toEqual(['', 'Ade', 'Bisi']);
    expect(inst.map((i) => i.visibleQuestions.has('school'))).toEqual([false, true, false]);
    expect(inst[0]!.required).toEqual(new Set(['m_name']));
    expect(s.values).toMatchObject({ total_age: 122, n_members: 3, oldest: 70, youngest: 12, second: 'Bisi' });
    expect(s.values.names).toBe('Ade, Bisi, Tola');
    expect(s.visibleQuestions.has('members')).toBe(true);
    expect(s.visibleQuestions.has('big')).toBe(true);
    expect(s.visibleQuestions.has('m_name')).toBe(false); // inside the repeat: in the instances' sets
    expect((s.values.members as Answers[])[1]).toEqual({
      m_name: 'Bisi',
      m_age: 12,
      pos: 2,
      older: false,
      prev_name: 'Ade',
      school: 'yes',
    });
    expect(f.validate(answers, ctx).errors).toEqual([]);
    expect(f.parentRepeat.get('m_age')).toBe('members');
    expect(f.parentRepeat.has('hh_size')).toBe(false);
    expect(f.questionByName.get('members')!.type).toBe('repeat');
  });

  it('refuses a wrong instance count, unknown keys in an instance, and names errors by instance', () => {
    const f = household();
    const two = { hh_size: 3, members: [{ m_name: 'Ade' }, { m_name: 'Bisi' }] };
    expect(errorsOf(two, f)).toEqual([['members', 'REPEAT_COUNT']]);
    const bad: Answers = {
      hh_size: 2,
      members: [
        { m_name: 'Ade', m_age: 'old', hh_size: 4 },
        { m_age: 3, colour: 'red', school: 'maybe' },
      ],
    };
    expect(errorsOf(bad, f)).toEqual([
      ['members[1].m_age', 'TYPE'],
      ['members[1].hh_size', 'UNKNOWN_FIELD'],
      ['members[2].m_name', 'REQUIRED'],
      ['members[2].school', 'CHOICE_INVALID'],
      ['members[2].colour', 'UNKNOWN_FIELD'],
    ]);
    expect(errorsOf({ hh_size: 1, members: 'Ade' as never }, f)).toEqual([['members', 'TYPE']]);
    expect(errorsOf({ hh_size: 1, members: ['Ade' as never] }, f)).toEqual([
      ['members[1]', 'TYPE'],
      ['members[1].m_name', 'REQUIRED'],
    ]);
    // a child's answer outside its repeat is not a question of the top level
    expect(errorsOf({ hh_size: 0, m_name: 'Ade' }, f)).toEqual([['m_name', 'UNKNOWN_FIELD']]);
  });

  it('a repeat count of 10,000 is a validation error, not a hang or 10,000 instances', () => {
    const f = household();
    const s = f.evaluate({ hh_size: 10_000 }, ctx);
    expect(s.repeats.members!.count).toBe(MAX_REPEAT_INSTANCES);
    expect(s.repeats.members!.instances).toHaveLength(MAX_REPEAT_INSTANCES);
    const v = f.validate({ hh_size: 10_000, members: [] }, ctx);
    expect(v.errors).toEqual([expect.objectContaining({ field: 'members', code: 'REPEAT_TOO_MANY' })]);
    expect(v.errors[0]!.message).toMatch(/10,000 instances; at most 500/);
    // without a count: more than the most instances
    const free = compileForm(make([q('r', { type: 'repeat', questions: [q('x')] })]));
    const many = Array.from({ length: MAX_REPEAT_INSTANCES + 1 }, () => ({ x: 'a' }));
    expect(errorsOf({ r: many }, free)).toEqual([['r', 'REPEAT_TOO_MANY']]);
    expect(free.evaluate({ r: many }, ctx).repeats.r).toEqual(
      expect.objectContaining({ count: null, instances: expect.any(Array) }),
    );
    expect(free.evaluate({ r: [{ x: 'a' }, { x: 'b' }] }, ctx).repeats.r!.instances).toHaveLength(2);
  });

  it('a repeat draws on the form’s work budget: heavy expressions in 500 instances stop, never hang', () => {
    const f = compileForm(
      make([
        q('n', { type: 'integer' }),
        q('r', {
          type: 'repeat',
          repeatCount: '${n}',
          questions: [q('t', { constraint: "regex(., '^.{0,500}$')" })],
        }),
      ]),
    );
    const instances = Array.from({ length: 500 }, () => ({ t: 'z'.repeat(1000) }));
    const { errors } = f.validate({ n: 500, r: instances }, ctx);
    expect(errors.some((e) => e.code === 'EVALUATION_LIMIT' && /^r\[\d+\]\.t$/.test(e.field))).toBe(true);
  });

  it('groups: relevance hides every child (nested), children answer flat, group names are visible', () => {
    const f = compileForm(
      make([
        q('go', { type: 'select_one', choiceList: 'yes_no' }),
        q('g', {
          type: 'group',
          relevant: "${go} = 'yes'",
          questions: [
            q('a', { required: true }),
            q('inner', { type: 'group', questions: [q('b', { required: true }), q('c', { relevant: "${a} = 'x'" })] }),
          ],
        }),
      ]),
    );
    expect(f.evaluate({ go: 'no', a: 'x', b: 'y' }, ctx).visibleQuestions).toEqual(new Set(['go']));
    expect(f.evaluate({ go: 'no', a: 'x', b: 'y' }, ctx).values).toEqual({ go: 'no' });
    const shown = f.evaluate({ go: 'yes', a: 'x' }, ctx);
    expect(shown.visibleQuestions).toEqual(new Set(['go', 'g', 'a', 'inner', 'b', 'c']));
    expect(errorsOf({ go: 'yes', a: 'x' }, f)).toEqual([['b', 'REQUIRED']]);
    expect(errorsOf({ go: 'no' }, f)).toEqual([]);
    expect(errorsOf({ go: 'yes', a: 'x', b: 'y', g: 'z' }, f)).toEqual([['g', 'NOT_ANSWERABLE']]);
  });

  it('nested repeats: each level has its own instances; outer aggregates see every inner value', () => {
    const f = compileForm(
      make([
        q('plots', {
          type: 'repeat',
          questions: [
            q('plot', { required: true }),
            q('crops', {
              type: 'repeat',
              questions: [q('kg', { type: 'decimal' }), q('where', { type: 'calculate', calculation: '${plot}' })],
            }),
            q('plot_kg', { type: 'calculate', calculation: 'sum(${kg})' }),
          ],
        }),
        q('all_kg', { type: 'calculate', calculation: 'sum(${kg})' }),
        q('n_crops', { type: 'calculate', calculation: 'count(${crops})' }),
        q('second_crop', { type: 'calculate', calculation: 'indexed-repeat(${kg}, ${plots}, 2, ${crops}, 1)' }),
      ]),
    );
    const answers: Answers = {
      plots: [
        { plot: 'north', crops: [{ kg: 10 }, { kg: 5 }] },
        { plot: 'south', crops: [{ kg: 2.5 }] },
      ],
    };
    const s = f.evaluate(answers, ctx);
    const plots = s.repeats.plots!.instances;
    expect(plots.map((p) => p.values.plot_kg)).toEqual([15, 2.5]);
    expect(plots[0]!.repeats.crops!.instances.map((c) => c.values.where)).toEqual(['north', 'north']);
    expect(s.values).toMatchObject({ all_kg: 17.5, n_crops: 3, second_crop: 2.5 });
    expect(errorsOf({ plots: [{ plot: 'x', crops: [{ kg: 'lots' }] }] }, f)).toEqual([
      ['plots[1].crops[1].kg', 'TYPE'],
    ]);
    expect(f.parentRepeat.get('kg')).toBe('crops');
    expect(f.parentRepeat.get('crops')).toBe('plots');
  });

  it('cascading selects: choice filters per choice, CHOICE_FILTERED, inside repeats too', () => {
    const places = {
      states: [
        { name: 'oyo', label: 'Oyo' },
        { name: 'lagos', label: 'Lagos' },
      ],
      lgas: [
        { name: 'ibadan_n', label: 'Ibadan North', columns: { state: 'oyo' } },
        { name: 'ogbomoso', label: 'Ogbomoso', columns: { state: 'oyo' } },
        { name: 'ikeja', label: 'Ikeja', columns: { state: 'lagos' } },
      ],
    };
    const f = compileForm(
      make(
        [
          q('state', { type: 'select_one', choiceList: 'states' }),
          q('lga', { type: 'select_one', choiceList: 'lgas', choiceFilter: 'state=${state}' }),
          q('not_n', {
            type: 'select_multiple',
            choiceList: 'lgas',
            choiceFilter: "not(starts-with(label, 'Ibadan'))",
          }),
          q('r', {
            type: 'repeat',
            questions: [
              q('r_state', { type: 'select_one', choiceList: 'states' }),
              q('r_lga', { type: 'select_one', choiceList: 'lgas', choiceFilter: 'state = ${r_state}' }),
            ],
          }),
        ],
        places,
      ),
    );
    const s = f.evaluate({ state: 'oyo', r: [{ r_state: 'lagos' }, { r_state: 'oyo' }] }, ctx);
    expect(s.choices).toEqual({ lga: ['ibadan_n', 'ogbomoso'], not_n: ['ogbomoso', 'ikeja'] });
    expect(s.repeats.r!.instances.map((i) => i.choices.r_lga)).toEqual([['ikeja'], ['ibadan_n', 'ogbomoso']]);
    expect(f.evaluate({}, ctx).choices.lga).toEqual([]);
    expect(errorsOf({ state: 'oyo', lga: 'ogbomoso' }, f)).toEqual([]);
    expect(errorsOf({ state: 'oyo', lga: 'ikeja', not_n: ['ikeja', 'ibadan_n'] }, f)).toEqual([
      ['lga', 'CHOICE_FILTERED'],
      ['not_n', 'CHOICE_FILTERED'],
    ]);
    expect(errorsOf({ r: [{ r_state: 'oyo', r_lga: 'ikeja' }] }, f)).toEqual([['r[1].r_lga', 'CHOICE_FILTERED']]);
  });

  it('label look-ups: jr:choice-name, instance() with a predicate, pulldata() over an attached CSV', () => {
    const f = compileForm(
      make(
        [
          q('crop', { type: 'select_one', choiceList: 'crops' }),
          q('crop_label', { type: 'calculate', calculation: "jr:choice-name(${crop}, '${crop}')" }),
          q('price', { type: 'calculate', calculation: "instance('crops')/root/item[name = ${crop}]/price" }),
          q('cheap', { type: 'calculate', calculation: "count(instance('crops')/root/item[price < 100])" }),
          q('code', { type: 'text' }),
          q('village', { type: 'calculate', calculation: "pulldata('villages', 'village', 'code', ${code})" }),
          q('lga_of', { type: 'calculate', calculation: "pulldata('villages', 'lga', 'code', ${code})" }),
        ],
        {
          crops: [
            { name: 'maize', label: 'Maize', columns: { price: '80' } },
            { name: 'yam', label: 'Yam', columns: { price: '250' } },
            { name: 'rice', label: 'Rice', columns: { price: '95' } },
          ],
          'villages.csv': [
            { name: 'v1', label: 'Idi-Ose', columns: { code: 'A17', village: 'Idi-Ose', lga: 'Akinyele' } },
            { name: 'v2', label: 'Moniya', columns: { code: 'A18', village: 'Moniya', lga: 'Akinyele' } },
          ],
        },
      ),
    );
    const s = f.evaluate({ crop: 'yam', code: 'A18' }, ctx);
    expect(s.values).toMatchObject({
      crop_label: 'Yam',
      price: '250',
      cheap: 2,
      village: 'Moniya',
      lga_of: 'Akinyele',
    });
    expect(f.evaluate({ crop: 'nope', code: 'Z' }, ctx).values).toMatchObject({
      crop_label: '',
      price: '',
      village: '',
    });
  });

  it('type-checks time, datetime, barcode, media; hides today/username/phonenumber', () => {
    const f = compileForm(
      make([
        q('t', { type: 'time' }),
        q('dt', { type: 'datetime' }),
        q('bc', { type: 'barcode' }),
        q('photo', { type: 'image' }),
        q('clip', { type: 'audio' }),
        q('day', { type: 'today' }),
        q('user', { type: 'username' }),
        q('tel', { type: 'phonenumber' }),
      ]),
    );
    const good = {
      t: '14:05',
      dt: '2026-05-01T14:05:00+01:00',
      bc: '5901234123457',
      photo: 'IMG_0001.jpg',
      clip: 'a-1.m4a',
      day: '2026-05-01',
      user: 'enum1',
      tel: '08031234567',
    };
    expect(errorsOf(good, f)).toEqual([]);
    expect(f.evaluate(good, ctx).visibleQuestions).toEqual(new Set(['t', 'dt', 'bc', 'photo', 'clip']));
    expect(
      errorsOf(
        { t: '25:00', dt: '2026-02-30T10:00', bc: {} as never, photo: '../etc/passwd', clip: '.hidden', day: 'today' },
        f,
      ),
    ).toEqual([
      ['t', 'TYPE'],
      ['dt', 'TYPE'],
      ['bc', 'TYPE'],
      ['photo', 'FILE_NAME_INVALID'],
      ['clip', 'FILE_NAME_INVALID'],
      ['day', 'TYPE'],
    ]);
  });

  it('analysis: cyclic repeat_count, a filter on a later question, unknown look-ups — each named', () => {
    const direct = issuesOf(
      make([q('r', { type: 'repeat', repeatCount: '${x} + 1', questions: [q('x', { type: 'integer' })] })]),
    );
    expect(direct).toEqual([
      ['sections.0.questions.0.repeatCount', 'SELF_REFERENCE', expect.stringMatching(/inside repeat 'r'/)],
    ]);
    const viaCalc = issuesOf(
      make([
        q('n', { type: 'calculate', calculation: 'count(${x}) + 1' }),
        q('r', { type: 'repeat', repeatCount: '${n}', questions: [q('x')] }),
      ]),
    );
    expect(viaCalc).toEqual([
      [
        'sections.0.questions.1.repeatCount',
        'CIRCULAR_DEPENDENCY',
        expect.stringMatching(/repeat count.*n → r → n|r → n → r/),
      ],
    ]);
    const later = issuesOf(
      make(
        [
          q('lga', { type: 'select_one', choiceList: 'lgas', choiceFilter: 'state=${state}' }),
          q('state', { type: 'select_one', choiceList: 'yes_no' }),
        ],
        { lgas: [{ name: 'a', label: 'A', columns: { state: 'yes' } }] },
      ),
    );
    expect(later).toEqual([
      ['sections.0.questions.0.choiceFilter', 'CHOICE_FILTER_LATER', expect.stringMatching(/\$\{state\}.*later/)],
    ]);
    const lookups = issuesOf(
      make([
        q('a', { type: 'calculate', calculation: "instance('nope')/root/item[name = 'x']/label" }),
        q('b', { type: 'calculate', calculation: "pulldata('missing', 'c', 'k', 'v')" }),
        q('c', { type: 'calculate', calculation: "jr:choice-name('x', '${a}')" }),
        q('g', { type: 'group', questions: [q('in')] }),
        q('d', { relevant: "${g} = 'x'" }),
        q('e', { type: 'integer', questions: [q('f')] }),
      ]),
    );
    expect(lookups.map(([field, code]) => [field, code])).toEqual([
      ['sections.0.questions.0.calculation', 'CHOICE_LIST_MISSING'],
      ['sections.0.questions.1.calculation', 'CHOICE_LIST_MISSING'],
      ['sections.0.questions.2.calculation', 'UNKNOWN_FIELD'],
      ['sections.0.questions.4.relevant', 'UNKNOWN_FIELD'],
      ['sections.0.questions.5.questions', 'NOT_A_CONTAINER'],
    ]);
  });
});
