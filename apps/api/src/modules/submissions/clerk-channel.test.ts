import { beforeAll, describe, expect, it } from 'vitest';
import type { FormSchema, Question } from '@oslrs/core';
import {
  MASTER_FORM,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submit,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();

/** The master questionnaire with its GPS question made required (the hardest case for a desk). */
const GPS_REQUIRED: FormSchema = {
  ...MASTER_FORM,
  formId: 'master_gps_required',
  sections: MASTER_FORM.sections.map((s) => ({
    ...s,
    questions: s.questions.map((q): Question => (q.type === 'geopoint' ? { ...q, required: true } : q)),
  })),
};

let form: Published;
beforeAll(async () => {
  form = await publishForm(app.t, app.admin, GPS_REQUIRED);
});

describe('the clerk channel: a desk has no GPS fix', () => {
  it('accepts and ingests a clerk’s paper form without the required location', async () => {
    const clerk = await app.as('data_entry_clerk');
    const answers = masterAnswers({ gps_location: undefined });
    const body = submissionBody(form.versionId, { answers });
    const res = await submit(app.t, clerk, body);
    expect(res.statusCode, res.body).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row).toMatchObject({ channel: 'clerk', status: 'ingested' });
  });

  it('still refuses the same answers from an enumerator (in the field the location is required)', async () => {
    const enumerator = await app.as('enumerator');
    const answers = masterAnswers({ gps_location: undefined });
    const res = await submit(app.t, enumerator, submissionBody(form.versionId, { answers }));
    expect(res.statusCode).toBe(422);
    const error = res.json().error;
    expect(error.code).toBe('ANSWERS_INVALID');
    expect(error.details.errors).toContainEqual(expect.objectContaining({ field: 'gps_location', code: 'REQUIRED' }));
  });

  it('waives only the location: a clerk’s form missing another required answer is refused', async () => {
    const clerk = await app.as('data_entry_clerk');
    const answers = masterAnswers({ surname: undefined });
    const res = await submit(app.t, clerk, submissionBody(form.versionId, { answers }));
    expect(res.statusCode).toBe(422);
    const fields = res.json().error.details.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('surname');
    expect(fields).not.toContain('gps_location');
  });
});
