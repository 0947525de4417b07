import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_REPEAT_INSTANCES, formSchema, type FormSchema, type Question } from '@oslrs/core';
import { CORPUS, workbook, type Book } from '../../../test/fixtures/xlsform/interop-corpus.js';
import {
  allQuestions,
  exportXlsForm,
  exportXlsFormPackage,
  importXlsForm,
  XlsFormError,
  type XlsFormImport,
  type XlsFormIssue,
} from './xlsform.js';

const FIXTURES = new URL('../../../test/fixtures/xlsform/', import.meta.url);

const all = (form: FormSchema): Question[] => form.sections.flatMap((s) => allQuestions(s.questions));
const question = (form: FormSchema, name: string): Question => {
  const q = all(form).find((x) => x.name === name);
  if (!q) throw new Error(`no question ${name}`);
  return q;
};

async function importCorpus(key: keyof typeof CORPUS): Promise<XlsFormImport> {
  const c = CORPUS[key]!;
  return importXlsForm(await workbook(c.book), {
    fileName: c.fileName,
    attachments: new Map(Object.entries(c.attachments ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  });
}

async function issuesOf(book: Book, attachments: Record<string, string> = {}): Promise<XlsFormIssue[]> {
  try {
    await importXlsForm(await workbook(book), {
      fileName: 'x.xlsx',
      attachments: new Map(Object.entries(attachments).map(([k, v]) => [k, Buffer.from(v)])),
    });
  } catch (e) {
    expect(e).toBeInstanceOf(XlsFormError);
    return (e as XlsFormError).issues;
  }
  throw new Error('expected the import to be refused');
}

const SETTINGS = [
  ['form_title', 'form_id'],
  ['T', 't'],
];

describe('the interoperability corpus: import → export → import gives the same schema', () => {
  it.each(Object.keys(CORPUS))('%s', async (key) => {
    const first = await importCorpus(key);
    expect(formSchema.safeParse(first.form).success).toBe(true);
    const pkg = await exportXlsFormPackage(first.form);
    // Lists from files travel as CSVs in a .zip beside the workbook; the zip imports as it is.
    expect(pkg.kind).toBe(Object.keys(first.form.choiceLists).some((l) => l.endsWith('.csv')) ? 'zip' : 'xlsx');
    const second = await importXlsForm(pkg.file);
    expect(second.form).toEqual(first.form);
    expect(second.warnings.filter((w) => w.code !== 'FORM_ID_FROM_FILE_NAME')).toEqual([]);
    const third = await importXlsForm((await exportXlsFormPackage(second.form)).file);
    expect(third.form).toEqual(first.form);
  });

  it('a real .xls (BIFF8) workbook imports, and round-trips through .xlsx', async () => {
    const { form, warnings } = await importXlsForm(readFileSync(new URL('legacy.xls', FIXTURES)), {
      fileName: 'legacy.xls',
    });
    expect(warnings).toEqual([]);
    expect(form.formId).toBe('legacy_xls');
    expect(form.version).toBe('20260101');
    expect(question(form, 'child')).toMatchObject({ type: 'repeat', repeatCount: '${children}' });
    expect(question(form, 'child').questions!.map((q) => q.name)).toEqual(['child_name', 'child_dob']);
    expect(question(form, 'satisfied')).toMatchObject({ orOther: true });
    expect(question(form, 'satisfied_other')).toBeDefined();
    expect((await importXlsForm(await exportXlsForm(form))).form).toEqual(form);
  });
});

describe('workbook gates', () => {
  it('no settings sheet: the id comes from the file name, with a warning, and nothing else is reported', async () => {
    const { form, warnings } = await importCorpus('aliases');
    expect(form.formId).toBe('Household_Survey_2026');
    expect(form.title).toBe('Household_Survey_2026');
    expect(warnings.map((w) => [w.sheet, w.code])).toEqual([
      ['settings', 'FORM_ID_FROM_FILE_NAME'],
      ['survey', 'CURLY_QUOTES'],
      ['survey', 'CURLY_QUOTES'],
    ]);
    expect(warnings[0]!.message).toContain('"Household Survey 2026.xlsx"');
  });

  it('settings aliases: title, id_string (slugged with a warning), version, default_language; instance_name warned', async () => {
    const { form, warnings } = await importCorpus('settings_aliases');
    expect(form).toMatchObject({
      formId: 'my_survey_v2',
      title: 'Aliased settings',
      version: '7',
      defaultLanguage: 'English',
    });
    expect(warnings.map((w) => [w.row, w.column, w.code])).toEqual([
      [2, 'instance_name', 'SETTING_IGNORED'],
      [2, 'id_string', 'FORM_ID_SLUGGED'],
    ]);
  });

  it('a settings sheet without form_id: from the file name, and no second issue about the title', async () => {
    const { form, warnings } = await importXlsForm(
      await workbook({
        survey: [
          ['type', 'name', 'label'],
          ['text', 'a', 'A'],
        ],
        settings: [['version'], ['3']],
      }),
      { fileName: '2026 census.xlsx' },
    );
    expect(form.formId).toBe('_2026_census');
    expect(warnings.map((w) => w.code)).toEqual(['FORM_ID_FROM_FILE_NAME']);
  });

  it('encrypted forms (public_key) are refused clearly', async () => {
    const issues = await issuesOf({
      survey: [
        ['type', 'name', 'label'],
        ['text', 'a', 'A'],
      ],
      settings: [
        ['form_id', 'public_key'],
        ['enc', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'],
      ],
    });
    expect(issues).toEqual([
      expect.objectContaining({ sheet: 'settings', row: 2, column: 'public_key', code: 'ENCRYPTED_FORM_UNSUPPORTED' }),
    ]);
  });
});

describe('types and aliases as pyxform reads them', () => {
  it('legacy spellings, select one from / select all that apply from, relevance, curly quotes', async () => {
    const { form } = await importCorpus('aliases');
    expect(all(form).map((q) => [q.name, q.type, q.choiceList])).toEqual([
      ['consent', 'select_one', 'yes_no'],
      ['skills', 'select_multiple', 'skills'],
      ['where', 'geopoint', undefined],
      ['surname', 'text', undefined],
      ['age', 'integer', undefined],
      ['nickname', 'text', undefined],
      ['children', 'integer', undefined],
      ['income', 'decimal', undefined],
      ['dob', 'date', undefined],
      ['portrait', 'image', undefined],
      ['n1', 'note', undefined],
      ['again', 'select_one', 'yes_no'],
      ['device', 'deviceid', undefined],
      ['where2', 'geopoint', undefined],
    ]);
    expect(question(form, 'skills').relevant).toBe("${consent} = 'yes'");
    expect(question(form, 'again').relevant).toBe('${consent} = "yes"');
    expect(question(form, 'nickname').relevant).toBe('${age} > 10');
  });

  it('every type, metadata and parameters', async () => {
    const { form } = await importCorpus('types');
    expect(all(form).map((q) => q.type)).toEqual([
      'start',
      'end',
      'today',
      'deviceid',
      'username',
      'phonenumber',
      'time',
      'datetime',
      'datetime',
      'barcode',
      'image',
      'audio',
      'video',
      'file',
      'decimal',
      'date',
      'note',
      'calculate',
      'text',
    ]);
    expect(question(form, 'photo').parameters).toBe('max-pixels=1024');
    expect(question(form, 'comment')).toMatchObject({ parameters: 'rows=3', appearance: 'multiline' });
  });

  it('or_other: an "other" choice and a text question relevant on it; export writes or_other back', async () => {
    const { form } = await importCorpus('or_other');
    expect(all(form).map((q) => q.name)).toEqual(['trade', 'trade_other', 'tools', 'tools_other', 'after']);
    expect(question(form, 'trade')).toEqual({
      name: 'trade',
      type: 'select_one',
      label: 'Your trade',
      choiceList: 'trade',
      orOther: true,
    });
    expect(question(form, 'tools_other')).toEqual({
      name: 'tools_other',
      type: 'text',
      label: 'Specify other.',
      relevant: "selected(${tools}, 'other')",
    });
    expect(form.choiceLists.trade!.map((c) => c.name)).toEqual(['tailor', 'mason', 'other']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportXlsForm(form)) as unknown as ExcelJS.Buffer);
    const types: string[] = [];
    wb.getWorksheet('survey')!.eachRow((r, n) => n > 1 && types.push(String(r.getCell(1).value)));
    expect(types).toEqual(['select_one trade or_other', 'select_multiple tools or_other', 'text']);
    const names: string[] = [];
    wb.getWorksheet('choices')!.eachRow((r, n) => n > 1 && names.push(String(r.getCell(2).value)));
    expect(names).not.toContain('other');
  });
});

describe('structure', () => {
  it('nested groups, repeats with repeat_count, nested repeats, field-list, cascading selects, a loop', async () => {
    const { form, sourceMap, warnings } = await importCorpus('structure');
    expect(warnings.map((w) => [w.row, w.code])).toEqual([[21, 'LOOP_EXPANDED']]);
    const household = form.sections.find((s) => s.name === 'household')!;
    expect(household.appearance).toBe('field-list');
    expect(household.questions.map((q) => [q.name, q.type])).toEqual([
      ['members', 'integer'],
      ['address', 'group'],
      ['person', 'repeat'],
      ['total_age', 'calculate'],
    ]);
    expect(question(form, 'members')).toMatchObject({
      required: true,
      requiredMessage: 'We need the number of members',
    });
    expect(question(form, 'address')).toMatchObject({ relevant: '${members} > 0', appearance: 'field-list' });
    expect(question(form, 'lga')).toMatchObject({ choiceFilter: 'state=${state}', choiceList: 'lga' });
    expect(form.choiceLists.lga![0]).toEqual({
      name: 'ibadan_north',
      label: 'Ibadan North',
      columns: { state: 'oyo' },
    });
    const person = question(form, 'person');
    expect(person.repeatCount).toBe('${members}');
    expect(person.questions!.map((q) => [q.name, q.type])).toEqual([
      ['pname', 'text'],
      ['page', 'integer'],
      ['work', 'group'],
      ['phones', 'repeat'],
    ]);
    expect(question(form, 'phones')).not.toHaveProperty('repeatCount');
    expect(question(form, 'visits').repeatCount).toBe('3');
    // A loop expands as pyxform does: a group per choice, names suffixed, %(label)s filled in.
    const asset = form.sections.find((s) => s.name === 'asset')!; // a top-level loop: a section
    expect(asset.label).toBe('Assets');
    expect(
      asset.questions.map((g) => [g.name, g.label, g.questions!.map((q) => [q.name, q.label, q.relevant])]),
    ).toEqual([
      [
        'asset_car',
        'Car',
        [
          ['count_car', 'How many Car?', undefined],
          ['note_car', 'About the Car', '${count_car} > 0'],
        ],
      ],
      [
        'asset_radio',
        'Radio',
        [
          ['count_radio', 'How many Radio?', undefined],
          ['note_radio', 'About the Radio', '${count_radio} > 0'],
        ],
      ],
    ]);
    // Source map reaches into containers.
    const path = 'sections.0.questions.2.questions.1';
    expect(sourceMap[path]).toEqual({ sheet: 'survey', row: 11 });
  });

  it('a cascading filter that reads a later question is refused at its cell', async () => {
    const issues = await issuesOf({
      survey: [
        ['type', 'name', 'label', 'choice_filter'],
        ['select_one lga', 'lga', 'LGA', 'state=${state}'],
        ['select_one state', 'state', 'State'],
      ],
      choices: [
        ['list_name', 'name', 'label', 'state'],
        ['state', 'oyo', 'Oyo'],
        ['lga', 'ibadan', 'Ibadan', 'oyo'],
      ],
      settings: SETTINGS,
    });
    expect(issues.map((i) => [i.sheet, i.row, i.column, i.code])).toEqual([
      ['survey', 2, 'choice_filter', 'FILTER_REFERENCES_LATER'],
    ]);
    expect(issues[0]!.message).toContain('${state}');
  });

  it('a huge repeat_count and one that reads its own repeat are refused at their cells', async () => {
    const issues = await issuesOf({
      survey: [
        ['type', 'name', 'label', 'repeat_count'],
        ['begin repeat', 'big', 'Big', '10000'],
        ['text', 'x', 'X'],
        ['end repeat'],
        ['begin repeat', 'self', 'Self', '${n}'],
        ['integer', 'n', 'N'],
        ['end repeat'],
      ],
      settings: SETTINGS,
    });
    expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [2, 'repeat_count', 'REPEAT_COUNT_TOO_LARGE'],
      [5, 'repeat_count', 'REPEAT_COUNT_CYCLE'],
    ]);
    expect(issues[0]!.message).toContain(String(MAX_REPEAT_INSTANCES));
  });
});

describe('lists and pulldata() from attached CSV files', () => {
  it('select_*_from_file and pulldata() read the CSVs sent beside the form', async () => {
    const { form } = await importCorpus('from_file');
    expect(question(form, 'village')).toMatchObject({
      type: 'select_one',
      choiceList: 'villages.csv',
      fromFile: true,
      choiceFilter: 'lga=${lga}',
    });
    expect(form.choiceLists['villages.csv']).toEqual([
      { name: 'moniya', label: 'Moniya', columns: { lga: 'ibadan' } },
      { name: 'akinyele', label: 'Akinyele', columns: { lga: 'ibadan' } },
      { name: 'isale, oyo', label: 'Isale Oyo', columns: { lga: 'oyo' } },
    ]);
    expect(form.choiceLists['crops.csv']).toEqual([
      { name: 'cassava', label: 'Cassava', translations: { 'Yoruba (yo)': 'Ẹ̀gẹ́' } }, // BOM stripped
      { name: 'maize', label: 'Maize', translations: { 'Yoruba (yo)': 'Àgbàdo' } },
    ]);
    // pulldata's file has no name column: the first column names the rows, every column is kept.
    expect(form.choiceLists['prices.csv']).toEqual([
      { name: 'rice', label: 'rice', columns: { item: 'rice', price: '1200' } },
      { name: 'beans', label: 'beans', columns: { item: 'beans', price: '900' } },
    ]);
  });

  it('the export is a zip of the workbook and the CSVs', async () => {
    const { form } = await importCorpus('from_file');
    const pkg = await exportXlsFormPackage(form);
    expect(pkg.kind).toBe('zip');
    expect(Object.keys(unzipSync(pkg.file)).sort()).toEqual([
      'crops.csv',
      'from_file.xlsx',
      'prices.csv',
      'villages.csv',
    ]);
  });

  it('a missing attachment is refused naming the cell; a non-CSV file too; an unused one is a warning', async () => {
    const issues = await issuesOf({
      survey: [
        ['type', 'name', 'label', 'calculation'],
        ['select_one_from_file villages.csv', 'v', 'V'],
        ['select_one_from_file places.xml', 'p', 'P'],
        ['calculate', 'c', null, "pulldata('prices', 'price', 'item', 'rice')"],
      ],
      settings: SETTINGS,
    });
    expect(issues.map((i) => [i.row, i.column, i.code])).toEqual([
      [2, 'type', 'ATTACHMENT_MISSING'],
      [3, 'type', 'UNSUPPORTED_ATTACHMENT'],
      [4, 'calculation', 'ATTACHMENT_MISSING'],
    ]);
    expect(issues[2]!.message).toContain('"prices.csv"');
    const { warnings } = await importXlsForm(
      await workbook({
        survey: [
          ['type', 'name', 'label'],
          ['text', 'a', 'A'],
        ],
        settings: SETTINGS,
      }),
      { attachments: new Map([['stray.csv', Buffer.from('name,label\na,A\n')]]) },
    );
    expect(warnings.map((w) => [w.sheet, w.code])).toEqual([['stray.csv', 'ATTACHMENT_UNUSED']]);
  });

  it('a CSV without the name column, or too large, is refused', async () => {
    const book: Book = {
      survey: [
        ['type', 'name', 'label'],
        ['select_one_from_file v.csv', 'v', 'V'],
      ],
      settings: SETTINGS,
    };
    expect((await issuesOf(book, { 'v.csv': 'code,label\n1,One\n' })).map((i) => i.code)).toEqual([
      'ATTACHMENT_INVALID',
    ]);
    const huge = `name,label\n${'a,b\n'.repeat(600_000)}`;
    const issues = await issuesOf(book, { 'v.csv': huge });
    expect(issues).toEqual([
      expect.objectContaining({ sheet: 'v.csv', code: 'ATTACHMENT_INVALID', message: expect.stringMatching(/MB/) }),
    ]);
  });

  it('a .zip bundle with the workbook and its CSVs imports like separate files', async () => {
    const c = CORPUS.from_file!;
    const zip = Buffer.from(
      zipSync({
        'forms/from_file.xlsx': await workbook(c.book),
        ...Object.fromEntries(Object.entries(c.attachments!).map(([k, v]) => [`forms/${k}`, strToU8(v)])),
      }),
    );
    expect((await importXlsForm(zip)).form).toEqual((await importCorpus('from_file')).form);
  });
});

describe('guards on the new inputs', () => {
  it('an .xls over the upload limit, an unreadable .xls, a zip bomb among the CSVs of a bundle', async () => {
    const refusal = async (buf: Buffer) => {
      try {
        await importXlsForm(buf);
      } catch (e) {
        return (e as XlsFormError).issues;
      }
      throw new Error('expected a refusal');
    };
    const cfb = Buffer.from('d0cf11e0a1b11ae1', 'hex');
    expect(await refusal(Buffer.concat([cfb, Buffer.alloc(11 * 1024 * 1024)]))).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE' }),
    ]);
    expect(await refusal(Buffer.concat([cfb, Buffer.alloc(4096, 7)]))).toEqual([
      expect.objectContaining({ code: 'NOT_XLSX' }),
    ]);
    const bomb = Buffer.from(
      zipSync({
        'f.xlsx': await workbook({
          survey: [
            ['type', 'name', 'label'],
            ['text', 'a', 'A'],
          ],
          settings: SETTINGS,
        }),
        'big.csv': new Uint8Array(8 * 1024 * 1024),
      }),
    );
    expect(await refusal(bomb)).toEqual([expect.objectContaining({ code: 'ZIP_BOMB' })]);
  });
});

describe('translations', () => {
  it('label, hint, constraint and required messages, group labels and choices, in every language', async () => {
    const { form } = await importCorpus('translations');
    expect(form.defaultLanguage).toBe('English (en)');
    expect(form.languages).toEqual(['English (en)', 'Yoruba (yo)']);
    expect(form.sections[0]).toMatchObject({
      label: 'About you',
      translations: { 'Yoruba (yo)': { label: 'Nípa rẹ' } },
    });
    expect(question(form, 'name')).toEqual({
      name: 'name',
      type: 'text',
      label: 'Your name',
      hint: 'Surname first',
      required: true,
      requiredMessage: 'Required',
      translations: { 'Yoruba (yo)': { label: 'Orúkọ rẹ', hint: 'Orúkọ ìdílé', requiredMessage: 'Ó pọn dandan' } },
    });
    expect(question(form, 'age').translations).toEqual({
      'Yoruba (yo)': { label: 'Ọjọ́ orí', constraintMessage: 'Ó ti dàgbà jù' },
    });
    expect(form.choiceLists.yn).toEqual([
      { name: 'yes', label: 'Yes', translations: { 'Yoruba (yo)': 'Bẹ́ẹ̀ni' } },
      { name: 'no', label: 'No', translations: { 'Yoruba (yo)': 'Bẹ́ẹ̀kọ́' } },
      { name: 'other', label: 'Other', translations: { 'Yoruba (yo)': 'Other' } }, // or_other, as pyxform
    ]);
    expect(question(form, 'why_other')).toEqual({
      name: 'why_other',
      type: 'text',
      label: 'Specify other.',
      translations: { 'Yoruba (yo)': { label: 'Specify other.' } },
      relevant: "selected(${why}, 'other')",
    });
  });
});
