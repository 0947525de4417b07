import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LGA_CODES, QUESTION_TYPES, formSchema, type FormSchema, type Question } from '@oslrs/core';
import { CORPUS as INTEROP, workbook } from '../../../test/fixtures/xlsform/interop-corpus.js';
import { allQuestions, exportXlsForm, importXlsForm, XlsFormError, type XlsFormIssue } from './xlsform.js';

const FIXTURES = new URL('../../../test/fixtures/xlsform/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));
const CORPUS = [
  'oslsr_master_v3.xlsx',
  'oslsr-public-core-v1.xlsx',
  'all-types.xlsx',
  'expressions.xlsx',
  'messy.xlsx',
] as const;

const questions = (form: FormSchema): Question[] => form.sections.flatMap((s) => s.questions);
const question = (form: FormSchema, name: string): Question => {
  const q = questions(form).find((x) => x.name === name);
  if (!q) throw new Error(`no question ${name}`);
  return q;
};

type Row = ExcelJS.CellValue[];
interface Book {
  survey?: Row[];
  choices?: Row[];
  settings?: Row[];
  [sheet: string]: Row[] | undefined;
}
const DEFAULT_SETTINGS: Row[] = [
  ['form_title', 'form_id'],
  ['Test form', 'test_form'],
];

/** An XLSForm built in memory; `settings` defaults to a valid one. */
async function xlsx(book: Book): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheets: Book = { settings: DEFAULT_SETTINGS, ...book };
  for (const [name, rows] of Object.entries(sheets)) {
    if (!rows) continue;
    const ws = wb.addWorksheet(name);
    rows.forEach((r, i) => r.forEach((v, j) => (ws.getCell(i + 1, j + 1).value = v)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const SURVEY_HEADER: Row = ['type', 'name', 'label', 'required', 'relevant', 'constraint', 'calculation'];
const YES_NO: Row[] = [
  ['list_name', 'name', 'label'],
  ['yes_no', 'yes', 'Yes'],
  ['yes_no', 'no', 'No'],
];

/** The issues of a refused import (fails the test if it was accepted). */
async function issuesOf(file: Buffer | Promise<Buffer>): Promise<XlsFormIssue[]> {
  try {
    await importXlsForm(await file);
  } catch (e) {
    expect(e).toBeInstanceOf(XlsFormError);
    const err = e as XlsFormError;
    expect(err.issues.length).toBeGreaterThan(0);
    expect(err.message).toContain(err.issues[0]!.message);
    return err.issues;
  }
  throw new Error('expected the import to be refused');
}

describe('the real questionnaires', () => {
  it('import with no issues and no warnings', async () => {
    for (const name of ['oslsr_master_v3.xlsx', 'oslsr-public-core-v1.xlsx']) {
      const { form, warnings } = await importXlsForm(fixture(name));
      expect(warnings, name).toEqual([]);
      expect(formSchema.safeParse(form).success).toBe(true);
    }
  });

  it('master: settings, sections in order with their conditions, lists, calculations and constraints', async () => {
    const { form, sourceMap } = await importXlsForm(fixture('oslsr_master_v3.xlsx'));
    expect(form.formId).toBe('oslsr_master_v3');
    expect(form.title).toBe('OSLSR Labour & Skills Registry Survey');
    expect(form.version).toBe('2026072301'); // a number cell, kept without ".0"
    expect(form.defaultLanguage).toBe('English');

    expect(form.sections.map((s) => [s.name, s.label, s.relevant])).toEqual([
      ['general', undefined, undefined],
      ['grp_intro', 'Introduction & Consent', undefined],
      ['grp_identity', 'Identity & Demographics', "${consent_basic} = 'yes'"],
      ['grp_labor', 'Labour Force Participation', '${age} >= 15'],
      ['grp_guardian', 'Parent / Guardian Consent', '${age} < 15'],
      ['grp_household', 'Household & Welfare', undefined],
      ['grp_skills', 'Skills & Business', undefined],
      ['grp_marketplace', 'Public Skills Marketplace', undefined],
    ]);
    expect(form.sections[0]!.questions.map((q) => [q.name, q.type])).toEqual([
      ['start_time', 'start'],
      ['end_time', 'end'],
      ['device_id', 'deviceid'],
      ['gps_location', 'geopoint'],
      ['form_mode', 'calculate'],
    ]);
    expect(questions(form)).toHaveLength(5 + 2 + 12 + 9 + 7 + 4 + 8 + 5);

    const skills = form.choiceLists.skill_list!;
    expect(skills).toHaveLength(150);
    expect(new Set(skills.map((c) => c.name)).size).toBe(150);
    expect(skills[0]).toEqual({ name: 'carpentry', label: 'Carpentry/Woodwork' });
    expect(skills[149]).toEqual({ name: 'storage_construction', label: 'Pest-Proof Storage Construction' });
    expect(form.choiceLists.lga_list!.map((c) => c.name).sort()).toEqual([...LGA_CODES].sort());
    expect(Object.keys(form.choiceLists)).toEqual([
      'yes_no',
      'gender_list',
      'marital_list',
      'edu_list',
      'housing_list',
      'emp_type',
      'experience_list',
      'reg_status',
      'lga_list',
      'skill_list',
      'guardian_rel_list',
    ]);

    expect(question(form, 'age')).toEqual({
      name: 'age',
      type: 'calculate',
      calculation: 'int((today() - ${dob}) div 365.25)',
    });
    expect(question(form, 'dob')).toMatchObject({
      type: 'date',
      required: true,
      constraint: '. <= today()',
      constraintMessage: 'Cannot be a future date',
    });
    expect(question(form, 'phone_number')).toMatchObject({
      type: 'text',
      constraint: "regex(., '^[0][7-9][0-1][0-9]{8}$')",
      constraintMessage: 'Enter a valid Nigerian mobile number',
    });
    expect(question(form, 'nin')).toMatchObject({
      constraint: "string-length(.) = 11 and regex(., '^[0-9]+$')",
      constraintMessage: 'NIN must be exactly 11 digits',
    });
    expect(question(form, 'hours_worked')).toMatchObject({
      type: 'integer',
      relevant: "${employment_status} = 'yes'",
      constraint: '. >= 0 and . <= 168',
      constraintMessage: 'Must be between 0 and 168 hours',
    });
    expect(question(form, 'dependents_count').constraint).toBe('. < ${household_size}');
    expect(question(form, 'main_occupation').relevant).toBe("${employment_status} = 'yes' or ${temp_absent} = 'yes'");
    expect(question(form, 'skills_possessed')).toMatchObject({ type: 'select_multiple', choiceList: 'skill_list' });
    expect(question(form, 'lga_id')).toMatchObject({ type: 'select_one', choiceList: 'lga_list', required: true });
    // required "no" is simply absent
    expect(question(form, 'monthly_income')).not.toHaveProperty('required');
    expect(question(form, 'form_mode').calculation).toBe("once(if(${device_id} != null, 'enumerator', 'public'))");

    // Where everything came from.
    expect(sourceMap['sections.2']).toEqual({ sheet: 'survey', row: 11 });
    expect(sourceMap['sections.2.relevant']).toEqual({ sheet: 'survey', row: 11, column: 'relevant' });
    expect(sourceMap['sections.3.questions.1.relevant']).toEqual({ sheet: 'survey', row: 27, column: 'relevant' });
    expect(form.sections[3]!.questions[1]!.name).toBe('temp_absent');
    expect(sourceMap['sections.2.questions.4.calculation']).toEqual({
      sheet: 'survey',
      row: 16,
      column: 'calculation',
    });
    expect(sourceMap['sections.0']).toEqual({ sheet: 'survey', row: 2 });
    expect(sourceMap['choiceLists.yes_no']).toEqual({ sheet: 'choices', row: 2, column: 'list_name' });
    expect(sourceMap['choiceLists.skill_list']).toEqual({ sheet: 'choices', row: 73, column: 'list_name' });
    expect(sourceMap['choiceLists.skill_list.149.name']).toEqual({ sheet: 'choices', row: 222, column: 'name' });
    expect(sourceMap.version).toEqual({ sheet: 'settings', row: 2, column: 'version' });
  });

  it('public form: the short wizard questionnaire', async () => {
    const { form } = await importXlsForm(fixture('oslsr-public-core-v1.xlsx'));
    expect(form.formId).toBe('oslsr_public_core_v1');
    expect(form.version).toBe('pubcore-2');
    expect(form.sections.map((s) => s.name)).toEqual([
      'general',
      'grp_intro',
      'grp_identity',
      'grp_labor',
      'grp_guardian',
      'grp_skills',
      'grp_marketplace',
    ]);
    expect(form.choiceLists.skill_list).toHaveLength(150);
    expect(form.choiceLists.lga_list).toHaveLength(33);
    expect(question(form, 'consent_enriched').relevant).toBe("${consent_marketplace} = 'yes'");
    expect(question(form, 'age').calculation).toBe('int((today() - ${dob}) div 365.25)');
  });
});

describe('the generated corpus', () => {
  it('together uses every question type, and required expressions, hints, appearance, read_only, default', async () => {
    const forms = await Promise.all([
      ...['all-types.xlsx', 'expressions.xlsx', 'messy.xlsx'].map(async (f) => (await importXlsForm(fixture(f))).form),
      // the interoperability corpus (issue 14) brings the types the schema gained
      ...Object.values(INTEROP).map(async (c) => {
        const files = new Map(Object.entries(c.attachments ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
        return (await importXlsForm(await workbook(c.book), { fileName: c.fileName, attachments: files })).form;
      }),
    ]);
    const all = forms.flatMap((f) => allQuestions(questions(f)));
    expect(new Set(all.map((q) => q.type))).toEqual(new Set(QUESTION_TYPES));
    expect(all.some((q) => typeof q.required === 'string')).toBe(true);
    expect(all.some((q) => q.required === true)).toBe(true);
    for (const key of ['hint', 'appearance', 'default', 'relevant', 'constraint', 'constraintMessage'] as const)
      expect(
        all.some((q) => q[key] !== undefined),
        key,
      ).toBe(true);
    expect(all.some((q) => q.readOnly === true)).toBe(true);
  });

  it('all-types: oslrs_type, implicit sections, field map', async () => {
    const { form, sourceMap, warnings } = await importXlsForm(fixture('all-types.xlsx'));
    expect(warnings).toEqual([]);
    expect(form.version).toBe('3');
    expect(form.sections.map((s) => s.name)).toEqual([
      'general',
      'grp_person',
      'general_2',
      'grp_work',
      'grp_empty',
      'general_3',
    ]);
    expect(form.sections.find((s) => s.name === 'general_2')).toEqual({
      name: 'general_2',
      questions: [{ name: 'note_between', type: 'note', label: 'Between the groups: a question outside any group.' }],
    });
    expect(question(form, 'mobile')).toEqual({
      name: 'mobile',
      type: 'phone',
      label: 'Phone number',
      required: "${has_phone} = 'yes'",
      relevant: "${has_phone} = 'yes'",
    });
    expect(question(form, 'email_address').type).toBe('email');
    expect(question(form, 'national_id').type).toBe('nin');
    expect(question(form, 'national_id')).not.toHaveProperty('required');
    expect(question(form, 'birth_date').required).toBe(true); // "1"
    expect(question(form, 'children')).toMatchObject({ required: true, default: '0' }); // "true"
    expect(question(form, 'registry')).toMatchObject({ readOnly: true, default: 'OSLRS' });
    expect(question(form, 'location')).toMatchObject({
      type: 'geopoint',
      hint: 'Stand outside for a better fix',
      appearance: 'maps',
    });
    expect(form.fieldMap).toEqual({
      surname: 'last_name',
      firstname: 'first_name',
      phone_number: 'mobile',
      email: 'email_address',
      nin: 'national_id',
    });
    expect(form.choiceLists.unused_list).toEqual([{ name: 'only', label: 'Not used by any question, kept anyway' }]);
    const i = form.sections.findIndex((s) => s.name === 'grp_person');
    const j = form.sections[i]!.questions.findIndex((q) => q.name === 'mobile');
    expect(sourceMap[`sections.${i}.questions.${j}.type`]).toEqual({ sheet: 'survey', row: 14, column: 'oslrs_type' });
  });

  it('expressions: every engine function, date arithmetic, and/or, div/mod', async () => {
    const { form } = await importXlsForm(fixture('expressions.xlsx'));
    const exprs = [
      ...form.sections.map((s) => s.relevant),
      ...questions(form).flatMap((q) => [q.relevant, q.constraint, q.calculation, q.required]),
    ].filter((e): e is string => typeof e === 'string');
    const text = exprs.join('\n');
    for (const fn of [
      'selected',
      'count-selected',
      'string-length',
      'regex',
      'today',
      'int',
      'if',
      'not',
      'coalesce',
      'concat',
    ])
      expect(text, fn).toMatch(new RegExp(`(?<![\\w-])${fn}\\(`));
    for (const op of [' and ', ' or ', ' div ', ' mod ', ' - ', ' + ', ' * ']) expect(text, op).toContain(op);
    expect(text).toContain('today() - ${dob}'); // date arithmetic
    expect(text).toContain('today() - ${job_start}');
  });

  it('messy: tolerated with warnings, normalised on the way in', async () => {
    const { form, warnings } = await importXlsForm(fixture('messy.xlsx'));
    expect(warnings.map((w) => [w.sheet, w.code, w.column])).toEqual([
      ['settings', 'SETTING_IGNORED', 'instance_name'],
      ['survey', 'COLUMN_IGNORED', 'Notes'],
      ['survey', 'COLUMN_IGNORED', 'media::image'],
    ]);
    expect(form.version).toBe('2026011501');
    expect(form.defaultLanguage).toBe('English (en)');
    // The other language is kept, not dropped; the choices' extra column too.
    expect(form.languages).toEqual(['English (en)', 'Yoruba (yo)']);
    expect(form.sections[1]!.translations).toEqual({ 'Yoruba (yo)': { label: 'Apá àkọ́kọ́' } });
    expect(form.sections.map((s) => [s.name, s.label])).toEqual([
      ['general', undefined],
      ['grp_main', 'Main section'],
      ['general_2', undefined],
    ]);
    expect(question(form, 'full_name')).toEqual({
      name: 'full_name',
      type: 'text',
      label: 'Your full name', // rich text, flattened
      hint: 'Surname first',
      translations: { 'Yoruba (yo)': { label: 'Orúkọ rẹ' } },
      required: true, // a TRUE boolean cell
    });
    expect(question(form, 'gender')).toMatchObject({ type: 'select_one', choiceList: 'gender', required: true });
    expect(question(form, 'skills')).toMatchObject({ type: 'select_multiple', choiceList: 'skills' });
    expect(question(form, 'skills')).not.toHaveProperty('required');
    expect(question(form, 'website').label).toBe('Website (see the guide)'); // a hyperlink cell
    expect(question(form, 'registered_on').default).toBe('2026-01-15'); // a date cell
    expect(question(form, 'years')).toMatchObject({ required: true, constraintMessage: 'Between 0 and 80' });
    expect(form.choiceLists.skills!.map((c) => c.name)).toEqual(['tailoring', 'welding', '1']);
    expect(form.choiceLists.gender).toEqual([
      { name: 'male', label: 'Male', translations: { 'Yoruba (yo)': 'Akọ' } },
      { name: 'female', label: 'Female', translations: { 'Yoruba (yo)': 'Abo' } },
    ]);
    expect(form.choiceLists.skills!.some((c) => c.columns?.filter !== undefined)).toBe(true);
  });
});

describe('round trip', () => {
  it.each(CORPUS)('%s: import → export → import gives the same form', async (name) => {
    const first = await importXlsForm(fixture(name));
    const exported = await exportXlsForm(first.form);
    const second = await importXlsForm(exported);
    expect(second.form).toEqual(first.form);
    expect(second.warnings).toEqual([]);
    // and once more, from the export: byte-stable content
    expect((await importXlsForm(await exportXlsForm(second.form))).form).toEqual(first.form);
  });

  it('writes plain values only, text + oslrs_type for phone/email/nin, groups but not implicit sections', async () => {
    const { form } = await importXlsForm(fixture('all-types.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsForm(form)) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['survey', 'choices', 'settings']);
    for (const ws of wb.worksheets)
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(['string', 'number']).toContain(typeof cell.value);
        }),
      );
    const survey = wb.getWorksheet('survey')!;
    const header = (survey.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      'type',
      'name',
      'label',
      'hint',
      'required',
      'relevant',
      'constraint',
      'constraint_message',
      'calculation',
      'appearance',
      'read_only',
      'default',
      'oslrs_type',
    ]);
    const rows: [string, string, string][] = [];
    survey.eachRow(
      (r, n) =>
        n > 1 &&
        rows.push([String(r.getCell(1).value), String(r.getCell(2).value ?? ''), String(r.getCell(13).value ?? '')]),
    );
    expect(rows[0]).toEqual(['start', 'started_at', '']);
    expect(rows).toContainEqual(['text', 'mobile', 'phone']);
    expect(rows).toContainEqual(['text', 'email_address', 'email']);
    expect(rows).toContainEqual(['text', 'national_id', 'nin']);
    expect(rows.filter((r) => r[0] === 'begin_group')).toHaveLength(3);
    expect(rows.filter((r) => r[0] === 'end_group')).toHaveLength(3);
    expect(rows.some((r) => /^(?:_top_|general)/.test(r[1]))).toBe(false);
    const settings = wb.getWorksheet('settings')!;
    expect((settings.getRow(1).values as unknown[]).slice(1)).toEqual([
      'form_title',
      'form_id',
      'version',
      'default_language',
      'oslrs_field_map',
    ]);
  });

  it('keeps the structure of forms made in the builder: odd implicit (general_N) sections become groups', async () => {
    const q = (name: string): Question => ({ name, type: 'text', label: name.toUpperCase() });
    const form: FormSchema = {
      formId: 'builder_form',
      title: 'Made in the builder',
      sections: [
        { name: 'general', questions: [q('a')] },
        { name: 'general_2', questions: [q('b')] }, // right after another bare run: would merge
        { name: 'general_3', label: 'Labelled', relevant: '${a} != 1', questions: [q('c')] },
        { name: 'general_4', questions: [] }, // empty: would vanish
        { name: 'grp', label: 'Group', questions: [q('d'), { name: 'eq', type: 'note', label: '=SUM(A1:A9)' }] },
        { name: 'general_5', questions: [q('e')] },
      ],
      choiceLists: {},
    };
    const back = await importXlsForm(await exportXlsForm(form));
    expect(back.form).toEqual(form);
    expect(back.warnings).toEqual([]);
    // An explicit group named like an implicit section is fine; implicit numbering skips its name.
    const { form: mixed } = await importXlsForm(
      await xlsx({
        survey: [
          SURVEY_HEADER,
          ['text', 'x', 'X'],
          ['begin_group', 'general', 'Named so'],
          ['text', 'y', 'Y'],
          ['end_group'],
        ],
      }),
    );
    expect(mixed.sections.map((s) => s.name)).toEqual(['general_2', 'general']);
    expect((await importXlsForm(await exportXlsForm(mixed))).form).toEqual(mixed);
  });
});

describe('warnings', () => {
  it('one per ignored column, at most 20, and columns without a header', async () => {
    const extra = Array.from({ length: 25 }, (_, i) => `extra${i}`);
    const { warnings } = await importXlsForm(
      await xlsx({
        survey: [
          [...SURVEY_HEADER, ...extra],
          ['text', 'a', 'A', null, null, null, null, ...extra.map((e) => `${e} value`)],
          ['text', 'b', 'B', null, null, null, null, ...extra.map(() => null), 'no header'],
          ['begin_group', 'g', 'G', 'yes'],
          ['end_group'],
        ],
      }),
    );
    expect(warnings.filter((w) => w.code === 'COLUMN_IGNORED')).toHaveLength(20);
    expect(warnings[0]).toMatchObject({ row: 1, message: expect.stringMatching(/^7 more columns/) });
    expect(warnings).toContainEqual(
      expect.objectContaining({ row: 4, column: 'required', code: 'GROUP_COLUMN_IGNORED' }),
    );
  });
});

describe('bad files', () => {
  it('not a zip, a CSV renamed .xlsx, a PNG, an old .xls, an empty file', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0xff, 0x10, 0x80, 0x00, 0x9c]), /not an Excel workbook/],
      [Buffer.from('type,name,label\ntext,surname,Surname\ninteger,age,Age\n'), /text file \(for example a CSV\)/],
      [Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64)]), /PNG image/],
      [Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]), /could not be read/],
      [Buffer.alloc(0), /empty/],
    ];
    for (const [buf, message] of cases) {
      const issues = await issuesOf(buf);
      expect(issues).toEqual([{ sheet: '', code: 'NOT_XLSX', message: expect.stringMatching(message) }]);
    }
  });

  it('a zip that is not a workbook, and a truncated workbook', async () => {
    const docx = Buffer.from(
      zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8('<w/>') }),
    );
    expect(await issuesOf(docx)).toMatchObject([{ code: 'NOT_XLSX', message: expect.stringMatching(/Word document/) }]);
    const good = fixture('all-types.xlsx');
    expect(await issuesOf(good.subarray(0, good.length - 100))).toMatchObject([{ code: 'NOT_XLSX' }]);
  });

  it('a zip bomb (200 MB of zeros) is refused from its directory, quickly', { timeout: 30_000 }, async () => {
    const bomb = Buffer.from(
      zipSync(
        {
          '[Content_Types].xml': strToU8('<Types/>'),
          'xl/workbook.xml': strToU8('<workbook/>'),
          'xl/worksheets/sheet1.xml': new Uint8Array(200 * 1024 * 1024).fill(0x30),
        },
        { level: 9 },
      ),
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const issues = await issuesOf(bomb);
    expect(issues).toMatchObject([{ sheet: '', code: 'ZIP_BOMB', message: expect.stringMatching(/sheet1\.xml/) }]);
  });

  it('an entry that lies about its size is caught while inflating', async () => {
    const files = {
      '[Content_Types].xml': strToU8('<Types/>'),
      'xl/workbook.xml': strToU8('<workbook/>'),
      'xl/worksheets/sheet1.xml': new Uint8Array(4 * 1024 * 1024).fill(0x30),
    };
    const zip = Buffer.from(zipSync(files, { level: 9 }));
    // Patch the declared size (local header and central directory) of the big entry down to 1,000 bytes.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    for (let at = zip.indexOf(name); at >= 0; at = zip.indexOf(name, at + 1)) {
      if (zip.readUInt32LE(at - 30) === 0x04034b50) zip.writeUInt32LE(1000, at - 30 + 22);
      else if (zip.readUInt32LE(at - 46) === 0x02014b50) zip.writeUInt32LE(1000, at - 46 + 24);
    }
    const issues = await issuesOf(zip);
    expect(issues).toMatchObject([
      { code: 'ZIP_BOMB', message: expect.stringMatching(/more than .* its header declares/) },
    ]);
  });

  it('a zip with more than 1,000 entries', async () => {
    const files: Record<string, Uint8Array> = { '[Content_Types].xml': strToU8('<Types/>') };
    for (let i = 0; i < 1001; i++) files[`xl/media/image${i}.png`] = new Uint8Array(1);
    expect(await issuesOf(Buffer.from(zipSync(files)))).toMatchObject([
      { code: 'FILE_TOO_LARGE', message: expect.stringMatching(/at most 1000/) },
    ]);
  });

  it('a file over the 10 MB upload limit', async () => {
    expect(await issuesOf(Buffer.alloc(10 * 1024 * 1024 + 1))).toMatchObject([{ code: 'FILE_TOO_LARGE' }]);
  });

  it('a 10,000-row survey sheet is refused before the workbook is parsed', async () => {
    const rows: Row[] = [SURVEY_HEADER];
    for (let i = 0; i < 10_000; i++) rows.push(['text', `q${i}`, `Question ${i}`]);
    const file = await xlsx({ survey: rows });
    const issues = await issuesOf(file);
    expect(issues).toEqual([
      { sheet: 'survey', code: 'SHEET_TOO_LARGE', message: expect.stringMatching(/more than 2,000 rows/) },
    ]);
    // 2,000 questions is still fine
    const ok = await xlsx({ survey: rows.slice(0, 2001) });
    expect(questions((await importXlsForm(ok)).form)).toHaveLength(2000);
  });
});

describe('bad forms: every problem, with sheet, row and column', () => {
  it('a formula in a cell is never evaluated: its saved value is used, with a warning by cell', async () => {
    const { form, warnings } = await importXlsForm(
      await xlsx({
        survey: [
          SURVEY_HEADER,
          ['text', 'a', { formula: 'CONCATENATE("A","B")', result: 'AB' }],
          ['integer', 'b', 'B', { formula: '1+1', result: 2 }],
          ['text', 'c', { sharedFormula: 'C2', result: 'AB' }],
        ],
        settings: [
          ['form_title', 'form_id'],
          ['T', { formula: 'LOWER("ID")', result: 'id' }],
        ],
      }),
    );
    expect(warnings.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['settings', 2, 'form_id', 'FORMULA_CACHED_VALUE'],
      ['survey', 2, 'label', 'FORMULA_CACHED_VALUE'],
      ['survey', 3, 'required', 'FORMULA_CACHED_VALUE'],
      ['survey', 4, 'label', 'FORMULA_CACHED_VALUE'],
    ]);
    expect(warnings[1]!.message).toContain('"AB"');
    expect(form.formId).toBe('id');
    expect(question(form, 'a').label).toBe('AB');
    expect(question(form, 'b').required).toBe('2'); // the cached 2, read as an expression, never 1+1 run
    expect(question(form, 'c').label).toBe('AB');
  });

  it('an empty survey', async () => {
    expect(await issuesOf(xlsx({ survey: [SURVEY_HEADER] }))).toMatchObject([
      { sheet: 'survey', code: 'EMPTY_SURVEY' },
    ]);
  });

  it('duplicate question names name both rows', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [SURVEY_HEADER, ['text', 'name', 'Name'], ['integer', 'age', 'Age'], ['text', 'name', 'Name again']],
      }),
    );
    expect(issues).toEqual([
      {
        sheet: 'survey',
        row: 4,
        column: 'name',
        code: 'DUPLICATE_NAME',
        message: expect.stringContaining('rows 2 and 4'),
      },
    ]);
  });

  it('a select whose list is missing, a list with no named choices, duplicate choices', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [
          SURVEY_HEADER,
          ['select_one colours', 'colour', 'Colour'],
          ['select_multiple empty_list', 'things', 'Things'],
          ['select_one yes_no', 'ok', 'OK?'],
        ],
        choices: [
          ...YES_NO,
          ['yes_no', 'yes', 'Yes again'],
          ['empty_list', null, 'No name'],
          ['empty_list', '', 'Nor this'],
        ],
      }),
    );
    expect(issues.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['survey', 2, 'type', 'CHOICE_LIST_MISSING'],
      ['survey', 3, 'type', 'CHOICE_LIST_EMPTY'],
      ['choices', 4, 'name', 'DUPLICATE_CHOICE'],
    ]);
    expect(issues[2]!.message).toContain('rows 2 and 4');
  });

  it('selects without a choices sheet', async () => {
    const issues = await issuesOf(xlsx({ survey: [SURVEY_HEADER, ['select_one yes_no', 'ok', 'OK?']] }));
    expect(issues).toMatchObject([
      { sheet: 'choices', code: 'MISSING_SHEET', message: expect.stringContaining('yes_no') },
    ]);
  });

  it('unsupported types and columns', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [
          [...SURVEY_HEADER, 'choice_filter', 'read_only', 'oslrs_type'],
          ['audit', 'audit'],
          ['text', 'ok', 'OK'],
          ['geotrace', 'path', 'Path'],
          ['text', 'member_name', 'Name'],
          ['select_one yes_no extra words', 'sel', 'S'],
          ['range', 'r', 'R'],
          ['select_one_from_file lgas.csv', 'lga', 'LGA'],
          ['phone', 'tel', 'Phone'],
          ['select_one_from_file lgas.csv or_other', 'yn', 'Y/N'],
          ['simserial', 'sim'],
          ['select_one yes_no', 'filtered', 'F', null, null, null, null, "name = 'yes'"],
          ['text', 'ro', 'RO', null, null, null, null, null, '${ok} = 1'],
          ['integer', 'n', 'N', null, null, null, null, null, null, 'phone'],
          ['text', 'x', 'X', null, null, null, null, null, null, 'passport'],
        ],
        choices: YES_NO,
      }),
    );
    expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [2, 'type', 'UNSUPPORTED_TYPE'],
      [4, 'type', 'UNSUPPORTED_TYPE'],
      [6, 'type', 'UNSUPPORTED_TYPE'],
      [7, 'type', 'UNSUPPORTED_TYPE'],
      [8, 'type', 'ATTACHMENT_MISSING'],
      [9, 'type', 'UNSUPPORTED_TYPE'],
      [10, 'type', 'UNSUPPORTED_TYPE'],
      [11, 'type', 'UNSUPPORTED_TYPE'],
      [13, 'read_only', 'UNSUPPORTED_VALUE'],
      [14, 'oslrs_type', 'INVALID_OSLRS_TYPE'],
      [15, 'oslrs_type', 'INVALID_OSLRS_TYPE'],
    ]);
    expect(issues.every((i) => i.sheet === 'survey')).toBe(true);
    expect(issues[0]!.message).toMatch(/audit logs .* not supported/);
    expect(issues[4]!.message).toMatch(/needs the file "lgas\.csv": upload it beside the form/);
    expect(issues[5]!.message).toMatch(/oslrs_type/); // type "phone": says how to write it
  });

  it('unmatched end_group, end_repeat closing a group, unclosed begin_group (nested groups are fine)', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [
          SURVEY_HEADER,
          ['end_group'],
          ['begin_group', 'outer', 'Outer'],
          ['begin_group', 'inner', 'Inner'],
          ['text', 'a', 'A'],
          ['end_group'],
          ['end_repeat'],
          ['begin_group', 'open', 'Never closed'],
          ['text', 'b', 'B'],
        ],
      }),
    );
    expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [2, 'type', 'UNMATCHED_END_GROUP'],
      [7, 'type', 'UNMATCHED_END_REPEAT'],
      [8, 'type', 'UNCLOSED_GROUP'],
    ]);
    expect(issues[1]!.message).toContain('row 3');
  });

  it('missing survey sheet', async () => {
    const issues = await issuesOf(xlsx({ questions: [SURVEY_HEADER, ['text', 'a', 'A']] }));
    expect(issues).toEqual([
      { sheet: 'survey', code: 'MISSING_SHEET', message: expect.stringContaining('"questions"') },
    ]);
  });

  it('bad names, missing names, missing calculation (a missing form_id is only a warning)', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [
          SURVEY_HEADER,
          ['text', 'first name', 'First name'],
          ['text', '1st', 'First'],
          ['text', null, 'No name'],
          ['begin_group', 'x', 'Group'],
          ['end_group'],
          ['calculate', 'c', null],
          ['text', 'y'.repeat(65), 'Too long'],
        ],
        settings: [['form_title'], ['No id']],
      }),
    );
    expect(issues.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['survey', 2, 'name', 'BAD_NAME'],
      ['survey', 3, 'name', 'BAD_NAME'],
      ['survey', 4, 'name', 'MISSING_NAME'],
      ['survey', 7, 'calculation', 'MISSING_CALCULATION'],
      ['survey', 8, 'name', 'BAD_NAME'],
    ]);
  });

  it('schema limits are mapped back to the cell', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [SURVEY_HEADER, ['text', 'a', 'A'], ['text', 'b', 'x'.repeat(2001)]],
        settings: [
          ['form_title', 'form_id', 'oslrs_field_map'],
          ['T', 'test', 'surname=nobody, shoe_size=a'],
        ],
      }),
    );
    expect(issues.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['settings', 2, 'oslrs_field_map', 'INVALID_VALUE'],
      ['settings', 2, 'oslrs_field_map', 'FIELD_MAP_UNKNOWN_QUESTION'],
      ['survey', 3, 'label', 'INVALID_VALUE'],
    ]);
  });

  it('a missing type or name column', async () => {
    const issues = await issuesOf(
      xlsx({
        survey: [
          ['kind', 'label'],
          ['text', 'A'],
        ],
      }),
    );
    expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [1, 'type', 'MISSING_COLUMN'],
      [1, 'name', 'MISSING_COLUMN'],
    ]);
  });
});
