import { isDeepStrictEqual } from 'node:util';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import type { FormSchema, Question, Translation } from '@oslrs/core';
import { writeCsv } from './xlsform-read.js';
import {
  allQuestions,
  DEFAULT_LANG_KEY,
  IMPLICIT_SECTION,
  OSLRS_TEXT_TYPES,
  otherChoice,
  otherQuestion,
  TRANSLATABLE,
  type SurveyField,
} from './xlsform-vocab.js';

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

const EXPORT_SURVEY_COLUMNS: { key: SurveyField; width: number; always?: boolean }[] = [
  { key: 'type', width: 28, always: true },
  { key: 'name', width: 24, always: true },
  { key: 'label', width: 48, always: true },
  { key: 'hint', width: 32, always: true },
  { key: 'required', width: 10, always: true },
  { key: 'required_message', width: 32 },
  { key: 'relevant', width: 32, always: true },
  { key: 'constraint', width: 32, always: true },
  { key: 'constraint_message', width: 32, always: true },
  { key: 'calculation', width: 32, always: true },
  { key: 'choice_filter', width: 28 },
  { key: 'repeat_count', width: 14 },
  { key: 'appearance', width: 14, always: true },
  { key: 'parameters', width: 20 },
  { key: 'read_only', width: 10, always: true },
  { key: 'default', width: 14, always: true },
  { key: 'oslrs_type', width: 12, always: true },
];

function xlsformType(q: Question, orOther: boolean): { type: string; oslrsType?: string } {
  if (q.type === 'select_one' || q.type === 'select_multiple')
    return {
      type: `${q.type}${q.fromFile ? '_from_file' : ''} ${q.choiceList ?? ''}${orOther ? ' or_other' : ''}`.trim(),
    };
  if ((OSLRS_TEXT_TYPES as readonly string[]).includes(q.type)) return { type: 'text', oslrsType: q.type };
  return { type: q.type };
}

/** Is `next` the text question that `or_other` on `q` generates (so writing `or_other` recreates it)? */
function isGeneratedOther(q: Question, next: Question | undefined): boolean {
  if (!q.orOther || !next) return false;
  // Compared by value, not key order (a form read back from jsonb has its keys in another order).
  return isDeepStrictEqual(next, otherQuestion(q));
}

/** A list is written from an attached file when its name is a file's (`villages.csv`). */
const isFileList = (name: string) => /\.csv$/i.test(name);

export interface XlsFormExport {
  /** The workbook alone, or (when the form has lists from files) a .zip of it and its CSVs. */
  file: Buffer;
  kind: 'xlsx' | 'zip';
  /** File names of the CSVs in the zip. */
  attachments: string[];
}

/**
 * The native form as an XLSForm: the workbook when it needs nothing else, else a .zip with the
 * workbook and a CSV per list read from a file (`select_one_from_file`, `pulldata()`), which
 * `importXlsForm` reads back as it is.
 */
export async function exportXlsFormPackage(form: FormSchema): Promise<XlsFormExport> {
  const workbook = await exportXlsForm(form);
  const files = Object.entries(form.choiceLists).filter(([name]) => isFileList(name));
  if (files.length === 0) return { file: workbook, kind: 'xlsx', attachments: [] };
  const entries: Record<string, Uint8Array> = { [`${form.formId}.xlsx`]: workbook };
  for (const [name, choices] of files) {
    const langs = [...new Set(choices.flatMap((c) => Object.keys(c.translations ?? {})))];
    const extra = [...new Set(choices.flatMap((c) => Object.keys(c.columns ?? {})))];
    entries[name] = writeCsv(
      ['name', 'label', ...langs.map((l) => `label::${l}`), ...extra],
      choices.map((c) => [
        c.name,
        c.label,
        ...langs.map((l) => c.translations?.[l] ?? ''),
        ...extra.map((k) => c.columns?.[k] ?? ''),
      ]),
    );
  }
  return { file: Buffer.from(zipSync(entries, { level: 6 })), kind: 'zip', attachments: files.map(([n]) => n) };
}

/** The native form as an XLSForm workbook (survey, choices, settings); every cell a plain value. */
export async function exportXlsForm(form: FormSchema): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OSLRS';
  const all = form.sections.flatMap((s) => allQuestions(s.questions));
  const defaultLanguage = form.defaultLanguage;
  const otherLanguages = (form.languages ?? []).filter((l) => l !== (defaultLanguage ?? DEFAULT_LANG_KEY));
  // With other languages, the default language's column is named for it (so default_language finds it).
  const mainHeader = (f: string) =>
    otherLanguages.length && defaultLanguage !== undefined ? `${f}::${defaultLanguage}` : f;
  const langHeader = (f: string, lang: string) => (lang === DEFAULT_LANG_KEY ? f : `${f}::${lang}`);

  const fieldKey: Partial<Record<SurveyField, keyof Question>> = {
    required_message: 'requiredMessage',
    choice_filter: 'choiceFilter',
    repeat_count: 'repeatCount',
    parameters: 'parameters',
  };
  const translatedUsed = (key: keyof Translation, lang: string) =>
    all.some((q) => q.translations?.[lang]?.[key] !== undefined) ||
    (key === 'label' && form.sections.some((s) => s.translations?.[lang]?.label !== undefined));
  const columns: { header: string; key: string; width: number }[] = [];
  for (const c of EXPORT_SURVEY_COLUMNS) {
    const key = fieldKey[c.key];
    if (!c.always && !(key && all.some((q) => q[key] !== undefined))) continue;
    const translatable = TRANSLATABLE[c.key];
    columns.push({ header: translatable ? mainHeader(c.key) : c.key, key: c.key, width: c.width });
    if (translatable)
      for (const lang of otherLanguages)
        if (translatedUsed(translatable, lang))
          columns.push({ header: langHeader(c.key, lang), key: `${c.key}::${lang}`, width: c.width });
  }
  const survey = wb.addWorksheet('survey', { views: [{ state: 'frozen', ySplit: 1 }] });
  survey.columns = columns;

  const translated = (t: Question['translations']) => {
    const out: Record<string, string | undefined> = {};
    for (const [lang, v] of Object.entries(t ?? {}))
      for (const [f, key] of Object.entries(TRANSLATABLE)) out[`${f}::${lang}`] = v[key];
    return out;
  };
  /** or_other lists whose generated `other` choice the importer adds back. */
  const orOtherLists = new Set<string>();
  const writeQuestions = (qs: Question[]) => {
    for (let i = 0; i < qs.length; i++) {
      const q = qs[i]!;
      const orOther = isGeneratedOther(q, qs[i + 1]);
      if (orOther) orOtherLists.add(q.choiceList ?? '');
      if (q.type === 'group' || q.type === 'repeat') {
        survey.addRow({
          type: `begin_${q.type}`,
          name: q.name,
          label: q.label,
          relevant: q.relevant,
          appearance: q.appearance,
          repeat_count: q.repeatCount,
          ...translated(q.translations),
        });
        writeQuestions(q.questions ?? []);
        survey.addRow({ type: `end_${q.type}` });
        continue;
      }
      const t = xlsformType(q, orOther);
      survey.addRow({
        type: t.type,
        name: q.name,
        label: q.label,
        hint: q.hint,
        required: q.required === true ? 'yes' : q.required === false ? undefined : q.required,
        required_message: q.requiredMessage,
        relevant: q.relevant,
        constraint: q.constraint,
        constraint_message: q.constraintMessage,
        calculation: q.calculation,
        choice_filter: q.choiceFilter,
        appearance: q.appearance,
        parameters: q.parameters,
        read_only: q.readOnly ? 'yes' : undefined,
        default: q.default,
        oslrs_type: t.oslrsType,
        ...translated(q.translations),
      });
      if (orOther) i++; // the generated text question: `or_other` brings it back
    }
  };
  let previousBare = false;
  for (const s of form.sections) {
    // Questions outside any group: written without begin/end_group. Anything a bare run of rows cannot
    // carry (a label, a condition, no questions, or following another bare run, which would merge
    // with it) is written as a group of that name instead, so the structure survives a round trip.
    const bare: boolean =
      IMPLICIT_SECTION.test(s.name) &&
      s.label === undefined &&
      s.relevant === undefined &&
      s.appearance === undefined &&
      s.translations === undefined &&
      s.questions.length > 0 &&
      !previousBare;
    previousBare = bare;
    if (!bare)
      survey.addRow({
        type: 'begin_group',
        name: s.name,
        label: s.label,
        relevant: s.relevant,
        appearance: s.appearance,
        ...translated(s.translations),
      });
    writeQuestions(s.questions);
    if (!bare) survey.addRow({ type: 'end_group' });
  }

  const lists = Object.entries(form.choiceLists).filter(([name]) => !isFileList(name));
  const choiceLangs = otherLanguages.filter((l) =>
    lists.some(([, cs]) => cs.some((c) => c.translations?.[l] !== undefined)),
  );
  const choiceExtra = [...new Set(lists.flatMap(([, cs]) => cs.flatMap((c) => Object.keys(c.columns ?? {}))))];
  const choices = wb.addWorksheet('choices', { views: [{ state: 'frozen', ySplit: 1 }] });
  choices.columns = [
    { header: 'list_name', key: 'list_name', width: 22 },
    { header: 'name', key: 'name', width: 26 },
    { header: mainHeader('label'), key: 'label', width: 48 },
    ...choiceLangs.map((l) => ({ header: langHeader('label', l), key: `label::${l}`, width: 40 })),
    ...choiceExtra.map((k) => ({ header: k, key: `col:${k}`, width: 16 })),
  ];
  for (const [list, items] of lists)
    items.forEach((c, i) => {
      const generated =
        orOtherLists.has(list) && i === items.length - 1 && isDeepStrictEqual(c, otherChoice(items.slice(0, -1)));
      if (generated) return;
      choices.addRow({
        list_name: list,
        name: c.name,
        label: c.label,
        ...Object.fromEntries(Object.entries(c.translations ?? {}).map(([l, v]) => [`label::${l}`, v])),
        ...Object.fromEntries(Object.entries(c.columns ?? {}).map(([k, v]) => [`col:${k}`, v])),
      });
    });

  const settings = wb.addWorksheet('settings');
  const fieldMap = Object.entries(form.fieldMap ?? {}).filter(([, v]) => v);
  settings.columns = [
    { header: 'form_title', key: 'form_title', width: 40 },
    { header: 'form_id', key: 'form_id', width: 24 },
    { header: 'version', key: 'version', width: 16 },
    { header: 'default_language', key: 'default_language', width: 18 },
    ...(fieldMap.length ? [{ header: 'oslrs_field_map', key: 'oslrs_field_map', width: 40 }] : []),
  ];
  settings.addRow({
    form_title: form.title,
    form_id: form.formId,
    version: form.version,
    default_language: defaultLanguage,
    oslrs_field_map: fieldMap.length ? fieldMap.map(([k, v]) => `${k}=${v}`).join(', ') : undefined,
  });
  for (const ws of [survey, choices, settings]) ws.getRow(1).font = { bold: true };

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Limits on what may be attached beside a form (for the route's multipart reading). */
