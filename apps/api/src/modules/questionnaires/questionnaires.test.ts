import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import ExcelJS from 'exceljs';
import type { FormSchema } from '@oslrs/core';
import { useTestApp } from '../../../test/use-test-app.js';
import { CORPUS as INTEROP, workbook } from '../../../test/fixtures/xlsform/interop-corpus.js';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/xlsform');

function tradeForm(overrides: Partial<FormSchema> = {}): FormSchema {
  return {
    formId: 'trade_check',
    title: 'Trade check',
    version: '1',
    sections: [
      {
        name: 'main',
        label: 'About your trade',
        questions: [
          {
            name: 'has_trade',
            type: 'select_one',
            label: 'Do you have a trade?',
            choiceList: 'yes_no',
            required: true,
          },
          { name: 'trade', type: 'text', label: 'Which trade?', relevant: "${has_trade} = 'yes'" },
          {
            name: 'years',
            type: 'integer',
            label: 'Years in the trade',
            constraint: '. >= 0 and . <= 60',
            constraintMessage: 'Between 0 and 60',
          },
        ],
      },
    ],
    choiceLists: {
      yes_no: [
        { name: 'yes', label: 'Yes' },
        { name: 'no', label: 'No' },
      ],
    },
    ...overrides,
  };
}

function multipart(name: string, content: Buffer, fileName = 'form.xlsx') {
  const boundary = '----oslrsboundary' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Several file parts in one multipart body: [field, file name, content]. */
function multipartFiles(parts: [string, string, Buffer][]) {
  const boundary = '----oslrsboundary' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    ...parts.flatMap(([name, fileName, content]) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const app = useTestApp();

async function createDraft(form = tradeForm()) {
  const res = await app.call(app.admin, { method: 'POST', url: '/api/v1/questionnaires', payload: { form } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().questionnaire as { id: string; status: string };
}

describe('drafts and versions', () => {
  it('creates a draft, saves problems alongside, refuses to publish them, then publishes numbered versions', async () => {
    const q = await createDraft();
    expect(q.status).toBe('draft');

    const broken = tradeForm();
    broken.sections[0]!.questions[1]!.relevant = '${has_trade} = ';
    broken.sections[0]!.questions[2]!.constraint = '. <= ${nope}';
    const saved = await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: broken },
    });
    expect(saved.statusCode).toBe(200);
    const issues = saved.json().issues as { field: string; code: string }[];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'sections.0.questions.1.relevant', code: 'EXPRESSION_INVALID' }),
        expect.objectContaining({ field: 'sections.0.questions.2.constraint', code: 'UNKNOWN_FIELD' }),
      ]),
    );
    const refused = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('FORM_INVALID');
    expect(refused.json().error.details.issues.length).toBe(issues.length);

    await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: tradeForm() },
    });
    const v1 = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(v1.statusCode).toBe(201);
    expect(v1.json().version.version).toBe(1);

    const same = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(same.statusCode).toBe(409);
    expect(same.json().error.code).toBe('NOTHING_TO_PUBLISH');

    await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: tradeForm({ title: 'Trade check 2' }) },
    });
    const v2 = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(v2.json().version.version).toBe(2);
    const got = await app.call(app.admin, { method: 'GET', url: `/api/v1/questionnaires/${q.id}` });
    expect(got.json().questionnaire).toMatchObject({ status: 'published', latestVersion: 2, title: 'Trade check 2' });
    expect(got.json().questionnaire.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('the database refuses to change or delete a published version', async () => {
    const q = await createDraft(tradeForm({ formId: 'immutable_check' }));
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    const client = new pg.Client({ connectionString: app.t.databaseUrl });
    await client.connect();
    try {
      await expect(
        client.query(`update questionnaire_versions set form = '{}'::jsonb where questionnaire_id = $1`, [q.id]),
      ).rejects.toThrow(/immutable/);
      await expect(
        client.query(`delete from questionnaire_versions where questionnaire_id = $1`, [q.id]),
      ).rejects.toThrow(/immutable/);
      const { rows } = await client.query(
        `select form->>'title' as title from questionnaire_versions where questionnaire_id = $1`,
        [q.id],
      );
      expect(rows).toEqual([{ title: 'Trade check' }]);
    } finally {
      await client.end();
    }
  });

  it('refuses a second live questionnaire with the same form id, and a malformed form', async () => {
    await createDraft(tradeForm({ formId: 'dup_form' }));
    const dup = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires',
      payload: { form: tradeForm({ formId: 'dup_form' }) },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('FORM_ID_TAKEN');
    const bad = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires',
      payload: { form: { ...tradeForm(), sections: [] } },
    });
    expect(bad.statusCode).toBe(400);
    const badType = tradeForm();
    (badType.sections[0]!.questions[0] as { type: string }).type = 'hologram';
    expect(
      (await app.call(app.admin, { method: 'POST', url: '/api/v1/questionnaires', payload: { form: badType } }))
        .statusCode,
    ).toBe(400);
  });

  it('archives; an archived questionnaire takes no more drafts', async () => {
    const q = await createDraft(tradeForm({ formId: 'to_archive' }));
    const archived = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/archive` });
    expect(archived.json().questionnaire.status).toBe('archived');
    const edit = await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: tradeForm({ formId: 'to_archive' }) },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('QUESTIONNAIRE_ARCHIVED');
  });
});

describe('serving schemas', () => {
  it('serves the latest version with a strong ETag, 304 on If-None-Match, and a new ETag after publishing', async () => {
    const q = await createDraft(tradeForm({ formId: 'served_form' }));
    const none = await app.t.app.inject({ method: 'GET', url: `/api/v1/forms/${q.id}/schema` });
    expect(none.statusCode).toBe(404);
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });

    const first = await app.t.app.inject({ method: 'GET', url: `/api/v1/forms/${q.id}/schema` });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(first.json()).toMatchObject({ questionnaireId: q.id, version: 1, form: { formId: 'served_form' } });

    const cached = await app.t.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${q.id}/schema`,
      headers: { 'if-none-match': etag },
    });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers.etag).toBe(etag);

    await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: tradeForm({ formId: 'served_form', title: 'v2' }) },
    });
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    const after = await app.t.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${q.id}/schema`,
      headers: { 'if-none-match': etag },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json().version).toBe(2);
    expect(after.headers.etag).not.toBe(etag);

    const v1 = await app.t.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${q.id}/schema?version=1`,
      headers: { 'if-none-match': etag },
    });
    expect(v1.statusCode).toBe(304);
    expect((await app.t.app.inject({ method: 'GET', url: `/api/v1/forms/${q.id}/schema?version=9` })).statusCode).toBe(
      404,
    );
    expect((await app.t.app.inject({ method: 'GET', url: `/api/v1/forms/${q.id}/schema?version=x` })).statusCode).toBe(
      400,
    );
  });

  it('keeps the served JSON in Redis and drops "latest" on publish', async () => {
    const q = await createDraft(tradeForm({ formId: 'cached_form' }));
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    await app.t.app.inject({ method: 'GET', url: `/api/v1/forms/${q.id}/schema` });
    expect(await app.t.runtime.kv.get(`schema:${q.id}:latest`)).toBe('1');
    const cached = JSON.parse((await app.t.runtime.kv.get(`schema:${q.id}:v1`))!) as { etag: string; body: string };
    expect(JSON.parse(cached.body)).toMatchObject({ questionnaireId: q.id, version: 1 });
    await app.call(app.admin, {
      method: 'PUT',
      url: `/api/v1/questionnaires/${q.id}/draft`,
      payload: { form: tradeForm({ formId: 'cached_form', title: 'again' }) },
    });
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(await app.t.runtime.kv.get(`schema:${q.id}:latest`)).toBeNull();
  });
});

describe('which questionnaire each channel uses', () => {
  it('only published questionnaires can be chosen, and an archived one cannot stay in use', async () => {
    const draft = await createDraft(tradeForm({ formId: 'usage_draft' }));
    const refused = await app.call(app.admin, {
      method: 'PUT',
      url: '/api/v1/settings/questionnaires',
      payload: { staffQuestionnaireId: draft.id, publicQuestionnaireId: null },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('QUESTIONNAIRE_NOT_PUBLISHED');
    await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${draft.id}/publish` });
    const ok = await app.call(app.admin, {
      method: 'PUT',
      url: '/api/v1/settings/questionnaires',
      payload: { staffQuestionnaireId: draft.id, publicQuestionnaireId: draft.id },
    });
    expect(ok.statusCode).toBe(200);
    const forms = await app.t.app.inject({ method: 'GET', url: '/api/v1/forms' });
    expect(forms.json().settings).toEqual({ staffQuestionnaireId: draft.id, publicQuestionnaireId: draft.id });
    const archive = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${draft.id}/archive` });
    expect(archive.statusCode).toBe(409);
    expect(archive.json().error.code).toBe('QUESTIONNAIRE_IN_USE');
  });
});

describe('XLSForm import and export over HTTP', () => {
  it('imports both registry forms, re-import replaces the draft, export round-trips', async () => {
    for (const file of ['oslsr_master_v3.xlsx', 'oslsr-public-core-v1.xlsx']) {
      const res = await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/questionnaires/import',
        ...multipart('file', readFileSync(join(fixtures, file))),
      });
      expect(res.statusCode, res.body).toBe(201);
      const q = res.json().questionnaire;
      expect(q.status).toBe('draft');
      const again = await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/questionnaires/import',
        ...multipart('file', readFileSync(join(fixtures, file))),
      });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ created: false, questionnaire: { id: q.id } });

      const published = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
      expect(published.statusCode, published.body).toBe(201);
      const exported = await app.call(app.admin, {
        method: 'GET',
        url: `/api/v1/questionnaires/${q.id}/export?version=1`,
      });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toContain('spreadsheetml');
      const reimport = await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/questionnaires/import',
        ...multipart('file', exported.rawPayload),
      });
      expect(reimport.statusCode).toBe(200);
      expect(reimport.json().questionnaire.draft).toEqual(q.draft);
    }
  });

  it('reports a bad file with its sheet/row/column and saves nothing', async () => {
    const before = (await app.call(app.admin, { method: 'GET', url: '/api/v1/questionnaires' })).json().items.length;
    const notXlsx = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart('file', Buffer.from('type,name\ntext,a\n'), 'x.xlsx'),
    });
    expect(notXlsx.statusCode).toBe(422);
    expect(notXlsx.json().error.code).toBe('XLSFORM_INVALID');
    expect(notXlsx.json().error.details.issues[0]).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
    const noFile = await app.call(app.admin, { method: 'POST', url: '/api/v1/questionnaires/import', payload: {} });
    expect(noFile.statusCode).toBe(400);
    const after = (await app.call(app.admin, { method: 'GET', url: '/api/v1/questionnaires' })).json().items.length;
    expect(after).toBe(before);
  });
});

describe('XLSForm interoperability over HTTP (issue 14)', () => {
  it('the workbook with its CSVs in one request, published; the export is a zip that imports back', async () => {
    const c = INTEROP.from_file!;
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipartFiles([
        ['file', c.fileName, await workbook(c.book)],
        ...Object.entries(c.attachments!).map(([k, v]): [string, string, Buffer] => ['attachments', k, Buffer.from(v)]),
      ]),
    });
    expect(res.statusCode, res.body).toBe(201);
    const q = res.json().questionnaire;
    expect(q.draft.choiceLists['villages.csv']).toHaveLength(3);
    const published = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${q.id}/publish` });
    expect(published.statusCode, published.body).toBe(201);
    const exported = await app.call(app.admin, {
      method: 'GET',
      url: `/api/v1/questionnaires/${q.id}/export?version=1`,
    });
    expect(exported.headers['content-type']).toBe('application/zip');
    expect(exported.headers['content-disposition']).toContain('from_file-v1.zip');
    const back = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart('file', exported.rawPayload, 'from_file-v1.zip'),
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().questionnaire.draft).toEqual(q.draft);
  });

  it('the file name is the id when the settings give none; a missing attachment is a 422 naming the cell', async () => {
    const c = INTEROP.aliases!;
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart('file', await workbook(c.book), c.fileName),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().questionnaire.formId).toBe('Household_Survey_2026');
    expect(res.json().warnings[0]).toMatchObject({ sheet: 'settings', code: 'FORM_ID_FROM_FILE_NAME' });
    const missing = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart('file', await workbook(INTEROP.from_file!.book), 'from_file.xlsx'),
    });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.details.issues[0]).toMatchObject({
      sheet: 'survey',
      row: 3,
      column: 'type',
      code: 'ATTACHMENT_MISSING',
    });
  });

  it('the corpus forms with repeats, groups, loops, or_other and translations import and publish', async () => {
    for (const key of ['structure', 'or_other', 'translations', 'types'] as const) {
      const c = INTEROP[key]!;
      const res = await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/questionnaires/import',
        ...multipart('file', await workbook(c.book), c.fileName),
      });
      expect(res.statusCode, `${key}: ${res.body}`).toBe(201);
      const id = res.json().questionnaire.id;
      const published = await app.call(app.admin, { method: 'POST', url: `/api/v1/questionnaires/${id}/publish` });
      expect(published.statusCode, `${key}: ${published.body}`).toBe(201);
      // and back out of the database (jsonb reorders keys): the export still writes or_other etc.
      const exported = await app.call(app.admin, { method: 'GET', url: `/api/v1/questionnaires/${id}/export` });
      const back = await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/questionnaires/import',
        ...multipart('file', exported.rawPayload, c.fileName),
      });
      expect(back.statusCode, `${key}: ${back.body}`).toBe(200);
      expect(back.json().questionnaire.draft, key).toEqual(res.json().questionnaire.draft);
    }
  });

  it('a repeat_count that depends on its own repeat through a calculation is a 422 naming the cell', async () => {
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart(
        'file',
        await workbook({
          survey: [
            ['type', 'name', 'label', 'repeat_count', 'calculation'],
            ['calculate', 'n', null, null, 'count(${x}) + 1'],
            ['begin repeat', 'r', 'R', '${n}'],
            ['integer', 'x', 'X'],
            ['end repeat'],
          ],
          settings: [
            ['form_title', 'form_id'],
            ['Cycle', 'cycle'],
          ],
        }),
      ),
    });
    expect(res.statusCode, res.body).toBe(422);
    const issues = res.json().error.details.issues as { sheet: string; row?: number; column?: string }[];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.sheet === 'survey' && i.row !== undefined)).toBe(true);
    expect(issues.some((i) => i.row === 3 && i.column === 'repeat_count')).toBe(true);
  });

  it('unexpected fields and nameless attachments are refused', async () => {
    const c = INTEROP.aliases!;
    const stray = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipartFiles([
        ['file', c.fileName, await workbook(c.book)],
        ['other', 'x.csv', Buffer.from('a')],
      ]),
    });
    expect(stray.statusCode).toBe(400);
    expect(stray.json().error.code).toBe('FILE_REQUIRED');
  });
});

describe('engine problems in an XLSForm', () => {
  it('are reported at the sheet, row and column they came from, and nothing is saved', async () => {
    const wb = new ExcelJS.Workbook();
    const survey = wb.addWorksheet('survey');
    survey.addRows([
      ['type', 'name', 'label', 'relevant', 'constraint'],
      ['text', 'trade', 'Trade'],
      ['integer', 'years', 'Years', "${missing} = 'x'"],
      ['integer', 'age', 'Age', null, '. >= '],
    ]);
    wb.addWorksheet('settings').addRows([
      ['form_title', 'form_id'],
      ['Broken', 'broken_form'],
    ]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/questionnaires/import',
      ...multipart('file', file),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sheet: 'survey', row: 3, column: 'relevant', code: 'UNKNOWN_FIELD' }),
        expect.objectContaining({ sheet: 'survey', row: 4, column: 'constraint', code: 'EXPRESSION_INVALID' }),
      ]),
    );
    const list = (await app.call(app.admin, { method: 'GET', url: '/api/v1/questionnaires' })).json().items;
    expect(list.some((q: { formId: string }) => q.formId === 'broken_form')).toBe(false);
  });
});

describe('access', () => {
  it('only super admins manage questionnaires; anyone may read a published schema', async () => {
    const s = await app.as('enumerator');
    expect((await app.call(s, { method: 'GET', url: '/api/v1/questionnaires' })).statusCode).toBe(403);
    expect(
      (
        await app.call(s, {
          method: 'POST',
          url: '/api/v1/questionnaires',
          payload: { form: tradeForm({ formId: 'x_enum' }) },
        })
      ).statusCode,
    ).toBe(403);
  });
});
