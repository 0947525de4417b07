import { beforeAll, describe, expect, it } from 'vitest';
import type { FormSchema, Question } from '@oslrs/core';
import { call, type Session } from '../../../test/harness.js';
import {
  MASTER_FORM,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submissionRow,
  submit,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

/** The master questionnaire with a household roster: a repeat whose count is an earlier answer. */
const roster: Question[] = [
  { name: 'n_children', type: 'integer', label: 'How many children live with you?' },
  {
    name: 'children',
    type: 'repeat',
    label: 'Children',
    repeatCount: '${n_children}',
    questions: [
      { name: 'child_name', type: 'text', label: 'Name', required: true },
      { name: 'child_age', type: 'integer', label: 'Age', constraint: '. >= 0 and . < 18' },
      { name: 'child_no', type: 'calculate', calculation: 'position(..)' },
    ],
  },
  { name: 'children_ages', type: 'calculate', calculation: 'sum(${child_age})' },
];
const withRoster = (formId: string, questions = roster): FormSchema => ({
  ...MASTER_FORM,
  formId,
  sections: [...MASTER_FORM.sections, { name: 'grp_roster', label: 'Household roster', questions }],
});

const app = useTestApp();
let form: Published;
let enumerator: Session;
beforeAll(async () => {
  form = await publishForm(app.t, app.admin, withRoster('roster_form'));
  enumerator = await app.as('enumerator');
});

const errorsOf = (res: { json(): unknown }) =>
  (res.json() as { error: { code: string; details: { errors: { field: string; code: string }[] } } }).error;

describe('a submission with a repeat, through the real intake', () => {
  it('valid instances are received and ingested, stored as one object per instance', async () => {
    const answers = masterAnswers({
      n_children: 2,
      children: [
        { child_name: 'Ayo', child_age: 7 },
        { child_name: 'Dupe', child_age: 3 },
      ],
    });
    const body = submissionBody(form.versionId, { answers });
    const res = await submit(app.t, enumerator, body);
    expect(res.statusCode, res.body).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    const stored = await submissionRow(app.t, body.id);
    expect(stored!.answers).toMatchObject({
      children: [
        { child_name: 'Ayo', child_age: 7 },
        { child_name: 'Dupe', child_age: 3 },
      ],
    });
  });

  it('a wrong instance count, an unknown key or a bad answer inside an instance is refused with its path', async () => {
    const wrongCount = masterAnswers({ n_children: 3, children: [{ child_name: 'Ayo' }] });
    const a = await submit(app.t, enumerator, submissionBody(form.versionId, { answers: wrongCount }));
    expect(a.statusCode, a.body).toBe(422);
    expect(errorsOf(a)).toMatchObject({
      code: 'ANSWERS_INVALID',
      details: { errors: [{ field: 'children', code: 'REPEAT_COUNT' }] },
    });

    const unknown = masterAnswers({
      n_children: 2,
      children: [{ child_name: 'Ayo', shoe_size: 30 }, { child_age: 40 }],
    });
    const b = await submit(app.t, enumerator, submissionBody(form.versionId, { answers: unknown }));
    expect(b.statusCode, b.body).toBe(422);
    expect(errorsOf(b).details.errors.map((e) => [e.field, e.code])).toEqual([
      ['children[1].shoe_size', 'UNKNOWN_FIELD'],
      ['children[2].child_name', 'REQUIRED'],
      ['children[2].child_age', 'CONSTRAINT'],
    ]);

    const tooMany = masterAnswers({ n_children: 10_000, children: [] });
    const c = await submit(app.t, enumerator, submissionBody(form.versionId, { answers: tooMany }));
    expect(c.statusCode, c.body).toBe(422);
    expect(errorsOf(c).details.errors).toEqual([
      expect.objectContaining({ field: 'children', code: 'REPEAT_TOO_MANY' }),
    ]);
  });
});

describe('registry fields and repeats at publish', () => {
  it('a registry field inside a repeat is refused with where it is; in a group it is fine', async () => {
    const inRepeat = withRoster('roster_bad', [
      { name: 'people', type: 'repeat', questions: [{ name: 'main_occupation_2', type: 'text' }] },
    ]);
    inRepeat.fieldMap = { main_occupation: 'main_occupation_2' };
    const created = await call(app.t.app, app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires',
      payload: { form: inRepeat },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().questionnaire.id as string;
    expect(created.json().issues).toEqual([
      expect.objectContaining({ code: 'REGISTRY_FIELD_IN_REPEAT', field: 'sections.8.questions.0.questions.0.name' }),
    ]);
    const published = await call(app.t.app, app.admin, { method: 'POST', url: `/api/v1/questionnaires/${id}/publish` });
    expect(published.statusCode, published.body).toBe(422);
    const error = published.json().error as { code: string; details: { issues: { code: string; message: string }[] } };
    expect(error.code).toBe('FORM_INVALID');
    expect(error.details.issues[0]!.message).toMatch(
      /'main_occupation_2' fills the registry field 'main_occupation'.*repeat 'people'/,
    );

    const inGroup = withRoster('roster_group', [
      { name: 'g', type: 'group', questions: [{ name: 'main_occupation_2', type: 'text' }] },
    ]);
    inGroup.fieldMap = { main_occupation: 'main_occupation_2' };
    await publishForm(app.t, app.admin, inGroup);
  });
});
