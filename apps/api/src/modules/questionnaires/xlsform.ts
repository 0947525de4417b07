import ExcelJS from 'exceljs';
import {
  formSchema,
  NAME_PATTERN,
  RESPONDENT_FIELDS,
  type Choice,
  type FormSchema,
  type Question,
  type QuestionType,
  type RespondentField,
  type Section,
} from '@oslrs/core';
import {
  countValueRows,
  inspectXlsxPackage,
  PackageProblem,
  worksheetParts,
  XLSX_LIMITS,
  type XlsxPackage,
} from './xlsform-zip.js';

/**
 * XLSForm (the ODK/KoboToolbox spreadsheet standard) ⇄ the registry's native FormSchema.
 *
 * Import reports every problem it finds (sheet, row, column) instead of guessing; expressions are
 * kept as strings and checked later by the expression engine, which uses the returned source map to
 * point its own errors at the right cell. Nothing in a workbook is ever evaluated.
 */

export interface XlsFormIssue {
  /** `survey`, `choices`, `settings`, or '' for a problem with the file as a whole. */
  sheet: string;
  /** Spreadsheet row number (1 = header row). */
  row?: number;
  /** The column header as written in the file (or its letter when it has none). */
  column?: string;
  code: string;
  message: string;
}

export class XlsFormError extends Error {
  constructor(
    readonly issues: XlsFormIssue[],
    readonly warnings: XlsFormIssue[] = [],
  ) {
    super(summarize(issues));
    this.name = 'XlsFormError';
  }
}

/** Schema path (`sections.1.questions.3.relevant`, `choiceLists.yes_no`, `formId`) → where it came from. */
export type SourceMap = Record<string, { sheet: string; row: number; column?: string }>;

export interface XlsFormImport {
  form: FormSchema;
  sourceMap: SourceMap;
  warnings: XlsFormIssue[];
}

function where(i: XlsFormIssue): string {
  if (!i.sheet) return '';
  return `${i.sheet}${i.row ? ` row ${i.row}` : ''}${i.column ? ` (${i.column})` : ''}: `;
}

function summarize(issues: XlsFormIssue[]): string {
  if (issues.length === 0) return 'The XLSForm could not be imported.';
  const shown = issues.slice(0, 5).map((i) => `${where(i)}${i.message}`);
  const more = issues.length > 5 ? ` … and ${issues.length - 5} more` : '';
  return `The XLSForm has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
}

// ---------------------------------------------------------------------------------------------
// Column vocabulary
// ---------------------------------------------------------------------------------------------

const SURVEY_FIELDS = [
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
] as const;
type SurveyField = (typeof SURVEY_FIELDS)[number];
/** Columns that may carry a language suffix (`label::English (en)`). */
const TRANSLATABLE = new Set(['label', 'hint', 'constraint_message', 'required_message', 'image', 'audio', 'video']);
/** Known XLSForm columns we cannot represent: an issue when used, not a silent loss. */
const UNSUPPORTED_SURVEY_COLUMNS = new Set(['choice_filter', 'repeat_count']);
const COLUMN_ALIASES: Record<string, string> = {
  'jr:constraintmsg': 'constraint_message',
  'jr:requiredmsg': 'required_message',
  readonly: 'read_only',
  'bind::readonly': 'read_only',
  'bind::required': 'required',
  'bind::relevant': 'relevant',
  'bind::constraint': 'constraint',
  'bind::calculate': 'calculation',
  'jr:choice-filter': 'choice_filter',
  'jr:count': 'repeat_count',
  'control::appearance': 'appearance',
};
type SettingsField = 'form_title' | 'form_id' | 'version' | 'default_language' | 'oslrs_field_map';

/** XLSForm type (lower case) → native type, for the types without a choice list. */
const SIMPLE_TYPES: Record<string, QuestionType> = {
  text: 'text',
  integer: 'integer',
  decimal: 'decimal',
  date: 'date',
  geopoint: 'geopoint',
  note: 'note',
  calculate: 'calculate',
  start: 'start',
  end: 'end',
  deviceid: 'deviceid',
};
/** Native types written as `text` plus `oslrs_type` (ODK ignores the extra column). */
const OSLRS_TEXT_TYPES = ['phone', 'email', 'nin'] as const;
const VISIBLE_WITHOUT_LABEL = new Set<QuestionType>(['calculate', 'start', 'end', 'deviceid']);
/** Implicit sections holding questions outside any group. */
const IMPLICIT_SECTION = /^_top_\d+$/;

// ---------------------------------------------------------------------------------------------
// Reading sheets into plain tables
// ---------------------------------------------------------------------------------------------

interface Header {
  col: number;
  /** As written (trimmed), for messages. */
  raw: string;
  /** Normalised column name without language: `label`, `constraint_message`, … */
  base: string;
  /** The part after `::`, if any. */
  lang?: string;
}

interface TableRow {
  row: number;
  cells: Map<number, string>;
}

interface Table {
  sheet: string;
  headers: Header[];
  rows: TableRow[];
  /** Column number → header. */
  byCol: Map<number, Header>;
}

type CellRead = { kind: 'text'; text: string } | { kind: 'formula' } | { kind: 'error'; error: string };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day}T${pad(h)}:${pad(m)}:${pad(s)}` : day;
}

function valueText(v: unknown): CellRead {
  if (v === null || v === undefined) return { kind: 'text', text: '' };
  if (typeof v === 'string') return { kind: 'text', text: v };
  if (typeof v === 'number') return { kind: 'text', text: Number.isFinite(v) ? String(v) : '' };
  if (typeof v === 'boolean') return { kind: 'text', text: v ? 'true' : 'false' };
  if (v instanceof Date) return { kind: 'text', text: dateText(v) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return { kind: 'formula' };
    if ('error' in o) return { kind: 'error', error: String(o.error) };
    if (Array.isArray(o.richText))
      return {
        kind: 'text',
        text: (o.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''),
      };
    if ('hyperlink' in o) {
      const t = valueText(o.text);
      return t.kind === 'text' && t.text === '' ? { kind: 'text', text: String(o.hyperlink ?? '') } : t;
    }
    if ('text' in o) return valueText(o.text);
  }
  return { kind: 'text', text: '' };
}

function readCell(cell: ExcelJS.Cell): CellRead {
  // A merged range repeats its first cell's value in every cell; only the first counts.
  if (cell.type === ExcelJS.ValueType.Merge) return { kind: 'text', text: '' };
  if (cell.type === ExcelJS.ValueType.Formula) return { kind: 'formula' };
  return valueText(cell.value);
}

function normalizeHeader(raw: string, aliases: Record<string, string>): { base: string; lang?: string } {
  const lower = raw.trim().toLowerCase();
  if (aliases[lower]) return { base: aliases[lower] };
  const sep = lower.indexOf('::');
  if (sep > 0) {
    const base = lower.slice(0, sep).trim().replace(/\s+/g, '_');
    if (TRANSLATABLE.has(base))
      return {
        base,
        lang: raw
          .trim()
          .slice(sep + 2)
          .trim(),
      };
    return { base: lower.replace(/\s+/g, '_') };
  }
  const base = lower.replace(/\s+/g, '_');
  return { base: aliases[base] ?? base };
}

function readTable(
  ws: ExcelJS.Worksheet,
  sheet: string,
  issues: XlsFormIssue[],
  aliases: Record<string, string> = COLUMN_ALIASES,
): Table {
  const headers: Header[] = [];
  const byCol = new Map<number, Header>();
  const colName = (col: number) => byCol.get(col)?.raw ?? ws.getColumn(col).letter;
  ws.getRow(1).eachCell({ includeEmpty: false }, (cell, col) => {
    const r = readCell(cell);
    if (r.kind === 'formula') {
      issues.push({
        sheet,
        row: 1,
        column: ws.getColumn(col).letter,
        code: 'FORMULA_NOT_ALLOWED',
        message: 'Cells must hold plain values, not formulas; this header is a formula.',
      });
      return;
    }
    const raw = r.kind === 'text' ? r.text.trim() : '';
    if (!raw) return;
    const h: Header = { col, raw, ...normalizeHeader(raw, aliases) };
    headers.push(h);
    byCol.set(col, h);
  });
  const rows: TableRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = new Map<number, string>();
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const r = readCell(cell);
      if (r.kind === 'formula') {
        issues.push({
          sheet,
          row: rowNumber,
          column: colName(col),
          code: 'FORMULA_NOT_ALLOWED',
          message: 'Cells must hold plain values, not formulas. Replace the formula with its value.',
        });
      } else if (r.kind === 'error') {
        issues.push({
          sheet,
          row: rowNumber,
          column: colName(col),
          code: 'CELL_ERROR',
          message: `The cell holds the spreadsheet error ${r.error}.`,
        });
      } else {
        const text = r.text.trim();
        if (text) cells.set(col, text);
      }
    });
    if (cells.size > 0) rows.push({ row: rowNumber, cells });
  });
  return { sheet, headers, rows, byCol };
}

function findSheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet | undefined {
  return wb.worksheets.find((w) => w.name === name) ?? wb.worksheets.find((w) => w.name.trim().toLowerCase() === name);
}

function languageMatches(lang: string, wanted: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  const l = norm(lang);
  const w = norm(wanted);
  if (l === w) return true;
  const m = /^(.*?)\s*\(([^)]*)\)$/.exec(l);
  const n = /^(.*?)\s*\(([^)]*)\)$/.exec(w);
  const lName = m ? m[1]! : l;
  const lCode = m ? m[2]! : undefined;
  const wName = n ? n[1]! : w;
  const wCode = n ? n[2]! : undefined;
  return lName === wName || (!!lCode && (lCode === w || lCode === wCode)) || (!!wCode && wCode === l);
}

/**
 * Picks the column for a field: the default language's, else the plain one, else the first; warns
 * when other language columns holding values are left out.
 */
function pickColumn(
  table: Table,
  base: string,
  defaultLanguage: string | undefined,
  warnings: XlsFormIssue[],
): Header | undefined {
  const candidates = table.headers.filter((h) => h.base === base);
  if (candidates.length <= 1) return candidates[0];
  const chosen =
    (defaultLanguage
      ? candidates.find((h) => h.lang !== undefined && languageMatches(h.lang, defaultLanguage))
      : undefined) ??
    candidates.find((h) => h.lang === undefined) ??
    candidates[0]!;
  const ignored = candidates.filter((h) => h !== chosen && table.rows.some((r) => r.cells.has(h.col)));
  if (ignored.length > 0)
    warnings.push({
      sheet: table.sheet,
      row: 1,
      column: chosen.raw,
      code: 'TRANSLATIONS_IGNORED',
      message:
        `Only one language is imported: "${chosen.raw}" was used` +
        (defaultLanguage ? ` (default_language is "${defaultLanguage}")` : '') +
        `; ${ignored.map((h) => `"${h.raw}"`).join(', ')} ${ignored.length === 1 ? 'was' : 'were'} ignored.`,
    });
  return chosen;
}

const MAX_COLUMN_WARNINGS = 20;

/** Warns once per column that holds values we do not use (at most MAX_COLUMN_WARNINGS warnings). */
function warnUnusedColumns(table: Table, used: Set<number>, warnings: XlsFormIssue[], what = 'column') {
  const maxHeaderCol = new Set(table.byCol.keys());
  const seen = new Map<number, number>();
  for (const r of table.rows)
    for (const col of r.cells.keys()) if (!used.has(col) && !seen.has(col)) seen.set(col, r.row);
  const all = [...seen].sort((a, b) => a[0] - b[0]);
  if (all.length > MAX_COLUMN_WARNINGS) {
    const rest = all.splice(MAX_COLUMN_WARNINGS - 1);
    warnings.push({
      sheet: table.sheet,
      row: 1,
      code: 'COLUMN_IGNORED',
      message: `${rest.length} more columns (${rest
        .slice(0, 5)
        .map(([c]) => `"${table.byCol.get(c)?.raw ?? columnLetter(c)}"`)
        .join(', ')}, …) are not supported by the registry; their values were ignored.`,
    });
  }
  for (const [col, row] of all) {
    const h = table.byCol.get(col);
    warnings.push({
      sheet: table.sheet,
      row,
      column: h?.raw ?? columnLetter(col),
      code: 'COLUMN_IGNORED',
      message: maxHeaderCol.has(col)
        ? `The ${what} "${h!.raw}" is not supported by the registry; its values were ignored.`
        : `Column ${columnLetter(col)} has values but no header; they were ignored.`,
    });
  }
}

function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function bool(value: string): boolean | undefined {
  const l = value.trim().toLowerCase();
  if (l === 'yes' || l === 'true' || l === '1') return true;
  if (l === 'no' || l === 'false' || l === '0' || l === '') return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

const SHEET_ORDER = ['', 'settings', 'survey', 'choices'];

class ImportRun {
  readonly issues: XlsFormIssue[] = [];
  readonly warnings: XlsFormIssue[] = [];
  readonly sourceMap: SourceMap = {};
  /** Schema paths already covered by one of our own issues (zod's view of them is redundant). */
  readonly reported = new Set<string>();

  issue(i: XlsFormIssue, path?: string) {
    this.issues.push(i);
    if (path) this.reported.add(path);
  }
  warn(i: XlsFormIssue) {
    this.warnings.push(i);
  }
  map(path: string, sheet: string, row: number, column?: string) {
    this.sourceMap[path] = column ? { sheet, row, column } : { sheet, row };
  }
}

interface ChoiceListBuild {
  firstRow: number;
  choices: Choice[];
  rows: number[];
  /** Rows of this list with no name. */
  nameless: number[];
}

interface SelectUse {
  list: string;
  row: number;
  column: string;
  multiple: boolean;
}

function refuse(code: string, message: string, sheet = ''): never {
  throw new XlsFormError([{ sheet, code, message }]);
}

/** Refuses oversize sheets from the raw XML, before the workbook is parsed at all. */
function precheckSheetSizes(pkg: XlsxPackage) {
  let parts: Map<string, string>;
  try {
    parts = worksheetParts(pkg);
  } catch {
    return; // unusual structure: the checks after parsing still apply
  }
  const limits: Record<string, number> = { survey: XLSX_LIMITS.maxSurveyRows, choices: XLSX_LIMITS.maxChoicesRows };
  const issues: XlsFormIssue[] = [];
  for (const [name, part] of parts) {
    const key = name.trim().toLowerCase();
    const limit = limits[key];
    const xml = limit !== undefined ? pkg.xml.get(part) : undefined;
    if (limit === undefined || !xml) continue;
    const rows = countValueRows(xml.toString('utf8'), limit + 1) - 1; // minus the header row
    if (rows > limit)
      issues.push({
        sheet: key,
        code: 'SHEET_TOO_LARGE',
        message: `The ${key} sheet has more than ${limit.toLocaleString('en')} rows; at most ${limit.toLocaleString('en')} are accepted.`,
      });
  }
  if (issues.length) throw new XlsFormError(issues);
}

export async function importXlsForm(file: Buffer): Promise<XlsFormImport> {
  let pkg: XlsxPackage;
  try {
    pkg = inspectXlsxPackage(file);
  } catch (e) {
    if (e instanceof PackageProblem) refuse(e.code, e.message);
    throw e;
  }
  precheckSheetSizes(pkg);

  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch {
    refuse('NOT_XLSX', 'The file could not be read as an Excel workbook (.xlsx).');
  }

  const run = new ImportRun();
  const surveyWs = findSheet(wb, 'survey');
  const choicesWs = findSheet(wb, 'choices');
  const settingsWs = findSheet(wb, 'settings');
  if (!surveyWs)
    refuse(
      'MISSING_SHEET',
      `The workbook has no "survey" sheet (it has: ${wb.worksheets.map((w) => `"${w.name}"`).join(', ') || 'none'}).`,
      'survey',
    );
  for (const [ws, limit] of [
    [surveyWs, XLSX_LIMITS.maxSurveyRows],
    [choicesWs, XLSX_LIMITS.maxChoicesRows],
  ] as const) {
    if (ws && ws.actualRowCount - 1 > limit)
      refuse(
        'SHEET_TOO_LARGE',
        `The ${ws.name} sheet has more than ${limit.toLocaleString('en')} rows; at most ${limit.toLocaleString('en')} are accepted.`,
        ws.name.trim().toLowerCase(),
      );
  }

  const settings = readSettings(run, settingsWs);
  const lists = choicesWs ? readChoices(run, choicesWs, settings.defaultLanguage) : undefined;
  const { sections, selects, questionNames } = readSurvey(run, surveyWs, settings.defaultLanguage);

  // Selects against choice lists.
  const usedLists = new Set(selects.map((s) => s.list));
  if (selects.length > 0 && !lists) {
    run.issue({
      sheet: 'choices',
      code: 'MISSING_SHEET',
      message: `The workbook has no "choices" sheet, but select questions use the list${usedLists.size === 1 ? '' : 's'} ${[...usedLists].map((l) => `"${l}"`).join(', ')}.`,
    });
  } else if (lists) {
    for (const s of selects) {
      const list = lists.get(s.list);
      if (!list)
        run.issue({
          sheet: 'survey',
          row: s.row,
          column: s.column,
          code: 'CHOICE_LIST_MISSING',
          message: `The choice list "${s.list}" is not on the choices sheet.`,
        });
      else if (list.choices.length === 0)
        run.issue({
          sheet: 'survey',
          row: s.row,
          column: s.column,
          code: 'CHOICE_LIST_EMPTY',
          message: `The choice list "${s.list}" has no choices with a name (choices rows ${list.nameless.join(', ')}).`,
        });
    }
    for (const [name, list] of lists) {
      if (list.choices.length === 0 && !usedLists.has(name)) {
        run.issue({
          sheet: 'choices',
          row: list.firstRow,
          column: 'name',
          code: 'CHOICE_LIST_EMPTY',
          message: `The choice list "${name}" has no choices with a name.`,
        });
      } else if (list.choices.length > 0) {
        for (const row of list.nameless)
          run.issue({
            sheet: 'choices',
            row,
            column: 'name',
            code: 'MISSING_NAME',
            message: `This choice of the list "${name}" has no name.`,
          });
      }
      if (selects.some((s) => s.multiple && s.list === name)) {
        const spaced = list.choices.map((c, i) => [c, list.rows[i]!] as const).filter(([c]) => /\s/.test(c.name));
        if (spaced.length > 0)
          run.warn({
            sheet: 'choices',
            row: spaced[0]![1],
            column: 'name',
            code: 'CHOICE_NAME_SPACES',
            message: `The list "${name}" is used by a select_multiple question but the choice name "${spaced[0]![0].name}" contains spaces; ODK cannot tell such names apart in an answer.`,
          });
      }
    }
  }

  // fieldMap targets must be questions of this form.
  if (settings.fieldMap && settings.fieldMapRow) {
    for (const [field, target] of Object.entries(settings.fieldMap)) {
      if (target && NAME_PATTERN.test(target) && !questionNames.has(target))
        run.issue(
          {
            sheet: 'settings',
            row: settings.fieldMapRow,
            column: settings.fieldMapColumn,
            code: 'FIELD_MAP_UNKNOWN_QUESTION',
            message: `oslrs_field_map maps ${field} to "${target}", which is not a question of this form.`,
          },
          `fieldMap.${field}`,
        );
    }
  }

  if (sections.length === 0) {
    if (run.issues.some((i) => i.sheet === 'survey')) run.reported.add('sections');
    else
      run.issue({ sheet: 'survey', code: 'EMPTY_SURVEY', message: 'The survey sheet has no questions.' }, 'sections');
  }

  const form: FormSchema = {
    formId: settings.formId ?? '',
    title: settings.title ?? '',
    ...(settings.version !== undefined ? { version: settings.version } : {}),
    ...(settings.defaultLanguage !== undefined ? { defaultLanguage: settings.defaultLanguage } : {}),
    sections,
    choiceLists: Object.fromEntries([...(lists ?? new Map<string, ChoiceListBuild>())].map(([k, v]) => [k, v.choices])),
    ...(settings.fieldMap ? { fieldMap: settings.fieldMap } : {}),
  };

  const parsed = formSchema.safeParse(form);
  if (!parsed.success) {
    for (const zi of parsed.error.issues) {
      const path = zi.path.map(String).join('.');
      if ([...run.reported].some((p) => path === p || path.startsWith(`${p}.`))) continue;
      const loc = locate(run.sourceMap, zi.path.map(String));
      run.issue({
        ...loc,
        code: 'INVALID_VALUE',
        message: `${zi.message} (${path || 'form'})`,
      });
    }
  }

  if (run.issues.length > 0) throw new XlsFormError(sortIssues(run.issues), sortIssues(run.warnings));
  return { form: parsed.success ? parsed.data : form, sourceMap: run.sourceMap, warnings: sortIssues(run.warnings) };
}

function sortIssues(list: XlsFormIssue[]): XlsFormIssue[] {
  const order = (s: string) => {
    const i = SHEET_ORDER.indexOf(s);
    return i < 0 ? SHEET_ORDER.length : i;
  };
  return list
    .map((x, i) => [x, i] as const)
    .sort(([a, ai], [b, bi]) => order(a.sheet) - order(b.sheet) || (a.row ?? 0) - (b.row ?? 0) || ai - bi)
    .map(([x]) => x);
}

/** The closest known location of a schema path (its longest mapped prefix). */
function locate(sourceMap: SourceMap, path: string[]): { sheet: string; row?: number; column?: string } {
  for (let n = path.length; n > 0; n--) {
    const hit = sourceMap[path.slice(0, n).join('.')];
    if (hit) return hit;
  }
  const top = path[0];
  if (top === 'formId') return { sheet: 'settings', column: 'form_id' };
  if (top === 'title') return { sheet: 'settings', column: 'form_title' };
  if (top === 'version' || top === 'defaultLanguage' || top === 'fieldMap') return { sheet: 'settings' };
  if (top === 'choiceLists') return { sheet: 'choices' };
  return { sheet: 'survey' };
}

// ---- settings ----

interface Settings {
  formId?: string;
  title?: string;
  version?: string;
  defaultLanguage?: string;
  fieldMap?: Partial<Record<RespondentField, string>>;
  fieldMapRow?: number;
  fieldMapColumn?: string;
}

function readSettings(run: ImportRun, ws: ExcelJS.Worksheet | undefined): Settings {
  const out: Settings = {};
  if (!ws) {
    run.issue(
      {
        sheet: 'settings',
        code: 'MISSING_FORM_ID',
        message: 'The workbook has no "settings" sheet; it needs one with a form_id.',
      },
      'formId',
    );
    return out;
  }
  const table = readTable(ws, 'settings', run.issues);
  const data = table.rows[0];
  const used = new Set<number>();
  const get = (field: SettingsField) => {
    const h = table.headers.find((x) => x.base === field && x.lang === undefined);
    if (!h || !data) return undefined;
    used.add(h.col);
    const v = data.cells.get(h.col);
    return v === undefined ? undefined : { value: v, row: data.row, column: h.raw };
  };
  const formId = get('form_id');
  if (formId) {
    out.formId = formId.value;
    run.map('formId', 'settings', formId.row, formId.column);
    if (!NAME_PATTERN.test(formId.value))
      run.issue(
        {
          sheet: 'settings',
          row: formId.row,
          column: formId.column,
          code: 'BAD_NAME',
          message: `form_id "${formId.value}" is not a valid name: use letters, digits, _ - . (start with a letter or _), at most 64.`,
        },
        'formId',
      );
  } else {
    run.issue(
      {
        sheet: 'settings',
        row: data ? data.row : 2,
        column: 'form_id',
        code: 'MISSING_FORM_ID',
        message: 'The settings sheet has no form_id; every form needs one.',
      },
      'formId',
    );
  }
  const title = get('form_title');
  if (title) {
    out.title = title.value;
    run.map('title', 'settings', title.row, title.column);
  } else if (out.formId) {
    out.title = out.formId;
    run.map('title', 'settings', formId!.row, formId!.column);
    run.warn({
      sheet: 'settings',
      row: formId!.row,
      column: 'form_title',
      code: 'MISSING_TITLE',
      message: `The settings sheet has no form_title; the form_id "${out.formId}" is used as the title.`,
    });
  }
  const version = get('version');
  if (version) {
    out.version = version.value;
    run.map('version', 'settings', version.row, version.column);
  }
  const lang = get('default_language');
  if (lang) {
    out.defaultLanguage = lang.value;
    run.map('defaultLanguage', 'settings', lang.row, lang.column);
  }
  const fieldMap = get('oslrs_field_map');
  if (fieldMap) {
    run.map('fieldMap', 'settings', fieldMap.row, fieldMap.column);
    out.fieldMapRow = fieldMap.row;
    out.fieldMapColumn = fieldMap.column;
    const map: Record<string, string> = {};
    for (const part of fieldMap.value.split(/[;,\n]/)) {
      if (!part.trim()) continue;
      const m = /^\s*([A-Za-z_]+)\s*=\s*(\S+)\s*$/.exec(part);
      if (!m) {
        run.issue(
          {
            sheet: 'settings',
            row: fieldMap.row,
            column: fieldMap.column,
            code: 'INVALID_VALUE',
            message: `oslrs_field_map must read "field=question, field=question"; "${part.trim()}" does not.`,
          },
          'fieldMap',
        );
        continue;
      }
      const key = m[1]!.toLowerCase();
      if (!(RESPONDENT_FIELDS as readonly string[]).includes(key))
        run.issue(
          {
            sheet: 'settings',
            row: fieldMap.row,
            column: fieldMap.column,
            code: 'INVALID_VALUE',
            message: `oslrs_field_map: "${m[1]}" is not a registry field (${RESPONDENT_FIELDS.join(', ')}).`,
          },
          'fieldMap',
        );
      map[key] = m[2]!;
    }
    out.fieldMap = map as Partial<Record<RespondentField, string>>;
  }
  if (table.rows.length > 1)
    run.warn({
      sheet: 'settings',
      row: table.rows[1]!.row,
      code: 'ROWS_IGNORED',
      message: 'Only the first row under the settings header is read; later rows were ignored.',
    });
  if (data) {
    // Standard ODK settings we do not use (instance_name, style, submission_url, …).
    const unused = { ...table, rows: [data] };
    warnUnusedColumns(unused, used, run.warnings, 'setting');
  }
  return out;
}

// ---- choices ----

const CHOICE_ALIASES: Record<string, string> = { ...COLUMN_ALIASES, value: 'name', list: 'list_name' };

function readChoices(
  run: ImportRun,
  ws: ExcelJS.Worksheet,
  defaultLanguage: string | undefined,
): Map<string, ChoiceListBuild> {
  const table = readTable(ws, 'choices', run.issues, CHOICE_ALIASES);
  const lists = new Map<string, ChoiceListBuild>();
  const listCol = table.headers.find((h) => h.base === 'list_name');
  const nameCol = table.headers.find((h) => h.base === 'name');
  const labelCol = pickColumn(table, 'label', defaultLanguage, run.warnings);
  for (const [col, field] of [
    [listCol, 'list_name'],
    [nameCol, 'name'],
  ] as const) {
    if (!col)
      run.issue({
        sheet: 'choices',
        row: 1,
        column: field,
        code: 'MISSING_COLUMN',
        message: `The choices sheet has no "${field}" column.`,
      });
  }
  if (!listCol || !nameCol) return lists;
  const used = new Set([listCol.col, nameCol.col, ...(labelCol ? [labelCol.col] : [])]);
  for (const h of table.headers) {
    if (h.base === 'label') used.add(h.col); // other languages: already warned about
    if (h.base === 'list_name' && h !== listCol) used.add(h.col);
    if (h.base === 'name' && h !== nameCol) used.add(h.col);
  }
  for (const h of table.headers)
    if ((h.base === 'list_name' && h !== listCol) || (h.base === 'name' && h !== nameCol))
      run.issue({
        sheet: 'choices',
        row: 1,
        column: h.raw,
        code: 'DUPLICATE_COLUMN',
        message: `The choices sheet has more than one "${h.base}" column.`,
      });
  const seen = new Map<string, Map<string, number>>();
  const unlabeled = new Map<string, number>();
  for (const r of table.rows) {
    const listName = r.cells.get(listCol.col);
    const name = r.cells.get(nameCol.col);
    const label = labelCol ? r.cells.get(labelCol.col) : undefined;
    if (!listName) {
      if (name || label)
        run.issue({
          sheet: 'choices',
          row: r.row,
          column: listCol.raw,
          code: 'MISSING_LIST_NAME',
          message: `This choice${name ? ` "${name}"` : ''} has no list_name.`,
        });
      continue;
    }
    let list = lists.get(listName);
    if (!list) {
      list = { firstRow: r.row, choices: [], rows: [], nameless: [] };
      lists.set(listName, list);
      run.map(`choiceLists.${listName}`, 'choices', r.row, listCol.raw);
      seen.set(listName, new Map());
      if (!NAME_PATTERN.test(listName))
        run.issue(
          {
            sheet: 'choices',
            row: r.row,
            column: listCol.raw,
            code: 'BAD_NAME',
            message: `The list name "${listName}" is not valid: use letters, digits, _ - . (start with a letter or _), at most 64.`,
          },
          `choiceLists.${listName}`,
        );
    }
    if (!name) {
      list.nameless.push(r.row);
      continue;
    }
    const names = seen.get(listName)!;
    const prev = names.get(name);
    if (prev !== undefined) {
      run.issue({
        sheet: 'choices',
        row: r.row,
        column: nameCol.raw,
        code: 'DUPLICATE_CHOICE',
        message: `The list "${listName}" has the choice "${name}" twice (rows ${prev} and ${r.row}).`,
      });
      continue;
    }
    names.set(name, r.row);
    const i = list.choices.length;
    list.choices.push({ name, label: label ?? '' });
    list.rows.push(r.row);
    if (label === undefined && !unlabeled.has(listName)) unlabeled.set(listName, r.row);
    run.map(`choiceLists.${listName}.${i}`, 'choices', r.row);
    run.map(`choiceLists.${listName}.${i}.name`, 'choices', r.row, nameCol.raw);
    run.map(`choiceLists.${listName}.${i}.label`, 'choices', r.row, labelCol?.raw ?? 'label');
  }
  for (const [listName, row] of unlabeled)
    run.warn({
      sheet: 'choices',
      row,
      column: labelCol?.raw ?? 'label',
      code: 'MISSING_LABEL',
      message: `Some choices of the list "${listName}" have no label; they will show their name instead.`,
    });
  warnUnusedColumns(table, used, run.warnings);
  return lists;
}

// ---- survey ----

interface SectionBuild {
  section: Section;
  index: number;
}

type Block =
  | { kind: 'group'; row: number; build: SectionBuild }
  | { kind: 'nested'; row: number }
  | { kind: 'repeat'; row: number };

type ParsedType =
  | { kind: 'begin_group' }
  | { kind: 'end_group' }
  | { kind: 'begin_repeat' }
  | { kind: 'end_repeat' }
  | { kind: 'question'; type: QuestionType; list?: string }
  | { kind: 'bad'; code: string; message: string };

function parseType(raw: string): ParsedType {
  const t = raw.replace(/\s+/g, ' ').trim();
  const lower = t.toLowerCase();
  if (lower === 'begin_group' || lower === 'begin group') return { kind: 'begin_group' };
  if (lower === 'end_group' || lower === 'end group') return { kind: 'end_group' };
  if (lower === 'begin_repeat' || lower === 'begin repeat') return { kind: 'begin_repeat' };
  if (lower === 'end_repeat' || lower === 'end repeat') return { kind: 'end_repeat' };
  const sel = /^(select_one|select one|select_multiple|select multiple|select all that apply)(?: (.*))?$/i.exec(t);
  if (sel) {
    const type: QuestionType =
      sel[1]!.toLowerCase() === 'select_one' || sel[1]!.toLowerCase() === 'select one'
        ? 'select_one'
        : 'select_multiple';
    const rest = (sel[2] ?? '').split(' ').filter(Boolean);
    if (rest.length === 0)
      return {
        kind: 'bad',
        code: 'MISSING_CHOICE_LIST',
        message: `"${t}" needs the name of a choice list, e.g. "${type} yes_no".`,
      };
    if (rest.length > 1)
      return {
        kind: 'bad',
        code: 'UNSUPPORTED_TYPE',
        message: `"${t}": "${rest.slice(1).join(' ')}" (such as or_other) is not supported; use "${type} ${rest[0]}" and an explicit "other" choice.`,
      };
    return { kind: 'question', type, list: rest[0]! };
  }
  const simple = SIMPLE_TYPES[lower];
  if (simple) return { kind: 'question', type: simple };
  const hint = (OSLRS_TEXT_TYPES as readonly string[]).includes(lower)
    ? ` Write "text" in type and "${lower}" in the oslrs_type column.`
    : ` Supported: text, integer, decimal, date, select_one <list>, select_multiple <list>, geopoint, note, calculate, start, end, deviceid.`;
  return {
    kind: 'bad',
    code: 'UNSUPPORTED_TYPE',
    message: `The question type "${t}" is not supported by the registry.${hint}`,
  };
}

const SECTION_IGNORED_FIELDS: SurveyField[] = [
  'hint',
  'required',
  'constraint',
  'constraint_message',
  'calculation',
  'appearance',
  'read_only',
  'default',
  'oslrs_type',
];

function readSurvey(run: ImportRun, ws: ExcelJS.Worksheet, defaultLanguage: string | undefined) {
  const table = readTable(ws, 'survey', run.issues);
  const sections: Section[] = [];
  const selects: SelectUse[] = [];
  const questionNames = new Set<string>();

  const cols = new Map<SurveyField, Header>();
  for (const f of SURVEY_FIELDS) {
    const h = TRANSLATABLE.has(f)
      ? pickColumn(table, f, defaultLanguage, run.warnings)
      : table.headers.find((x) => x.base === f);
    if (h) cols.set(f, h);
    const dups = table.headers.filter((x) => x.base === f && x !== h && (!TRANSLATABLE.has(f) || x.lang === h?.lang));
    for (const d of dups)
      run.issue({
        sheet: 'survey',
        row: 1,
        column: d.raw,
        code: 'DUPLICATE_COLUMN',
        message: `The survey sheet has more than one "${d.raw}" column.`,
      });
  }
  for (const f of ['type', 'name'] as const)
    if (!cols.has(f))
      run.issue({
        sheet: 'survey',
        row: 1,
        column: f,
        code: 'MISSING_COLUMN',
        message: `The survey sheet has no "${f}" column.`,
      });
  if (!cols.has('type') || !cols.has('name')) return { sections, selects, questionNames };

  const used = new Set<number>();
  for (const h of table.headers) if ((SURVEY_FIELDS as readonly string[]).includes(h.base)) used.add(h.col);
  for (const h of table.headers) {
    if (TRANSLATABLE.has(h.base) && h.base !== 'required_message' && !['image', 'audio', 'video'].includes(h.base))
      used.add(h.col);
    if (UNSUPPORTED_SURVEY_COLUMNS.has(h.base)) {
      used.add(h.col);
      const first = table.rows.find((r) => r.cells.has(h.col));
      if (first)
        run.issue({
          sheet: 'survey',
          row: first.row,
          column: h.raw,
          code: 'UNSUPPORTED_COLUMN',
          message: `The column "${h.raw}" is not supported by the registry (${h.base === 'choice_filter' ? 'cascading selects' : 'repeats'}); remove it or leave it empty.`,
        });
    }
  }
  warnUnusedColumns(table, used, run.warnings);

  const cell = (r: TableRow, f: SurveyField) => {
    const h = cols.get(f);
    return h ? r.cells.get(h.col) : undefined;
  };
  const colName = (f: SurveyField) => cols.get(f)?.raw ?? f;

  // Names of explicit groups decide nothing about implicit ones, but `_top_N` is reserved for them.
  const names = new Map<string, number>();
  const claim = (name: string, row: number, path: string | undefined): boolean => {
    const prev = names.get(name);
    if (prev !== undefined) {
      run.issue(
        {
          sheet: 'survey',
          row,
          column: colName('name'),
          code: 'DUPLICATE_NAME',
          message: `The name "${name}" is used twice (rows ${prev} and ${row}); names must be unique in a form.`,
        },
        path,
      );
      return false;
    }
    names.set(name, row);
    return true;
  };
  const checkName = (name: string | undefined, row: number, path: string | undefined, what: string): boolean => {
    if (!name) {
      run.issue(
        { sheet: 'survey', row, column: colName('name'), code: 'MISSING_NAME', message: `This ${what} has no name.` },
        path,
      );
      return false;
    }
    if (!NAME_PATTERN.test(name)) {
      run.issue(
        {
          sheet: 'survey',
          row,
          column: colName('name'),
          code: 'BAD_NAME',
          message: `"${name}" is not a valid name: use letters, digits, _ - . (start with a letter or _, no spaces), at most 64.`,
        },
        path,
      );
      return false;
    }
    return true;
  };

  const stack: Block[] = [];
  let implicit: SectionBuild | null = null;
  let implicitCount = 0;
  // Implicit sections are named _top_1, _top_2, … in order, skipping names that groups already use.
  const groupNames = new Set<string>();
  for (const r of table.rows) {
    const t = cell(r, 'type');
    const n = cell(r, 'name');
    if (t && n && parseType(t).kind === 'begin_group') groupNames.add(n);
  }
  const newSection = (section: Section, row: number): SectionBuild => {
    const build = { section, index: sections.length };
    sections.push(section);
    run.map(`sections.${build.index}`, 'survey', row);
    return build;
  };

  for (const r of table.rows) {
    const typeRaw = cell(r, 'type');
    if (!typeRaw) {
      const anything = SURVEY_FIELDS.some((f) => f !== 'type' && cell(r, f) !== undefined);
      if (anything)
        run.issue({
          sheet: 'survey',
          row: r.row,
          column: colName('type'),
          code: 'MISSING_TYPE',
          message: `This row${cell(r, 'name') ? ` ("${cell(r, 'name')}")` : ''} has no type.`,
        });
      continue;
    }
    const parsed = parseType(typeRaw);
    const name = cell(r, 'name');

    if (parsed.kind === 'begin_group') {
      if (stack.length > 0) {
        run.issue({
          sheet: 'survey',
          row: r.row,
          column: colName('type'),
          code: 'NESTED_GROUP',
          message: `Groups inside groups are not supported: this group${name ? ` "${name}"` : ''} is inside the group that begins at row ${stack[stack.length - 1]!.row}.`,
        });
        stack.push({ kind: 'nested', row: r.row });
        continue;
      }
      implicit = null;
      const section: Section = { name: name ?? '', questions: [] };
      const label = cell(r, 'label');
      const relevant = cell(r, 'relevant');
      if (label !== undefined) section.label = label;
      if (relevant !== undefined) section.relevant = relevant;
      const build = newSection(section, r.row);
      const p = `sections.${build.index}`;
      run.map(`${p}.name`, 'survey', r.row, colName('name'));
      if (label !== undefined) run.map(`${p}.label`, 'survey', r.row, colName('label'));
      if (relevant !== undefined) run.map(`${p}.relevant`, 'survey', r.row, colName('relevant'));
      if (checkName(name, r.row, `${p}.name`, 'group')) claim(name!, r.row, `${p}.name`);
      for (const f of SECTION_IGNORED_FIELDS)
        if (cell(r, f) !== undefined)
          run.warn({
            sheet: 'survey',
            row: r.row,
            column: colName(f),
            code: 'GROUP_COLUMN_IGNORED',
            message: `"${colName(f)}" on a group is not supported by the registry and was ignored.`,
          });
      stack.push({ kind: 'group', row: r.row, build });
      continue;
    }
    if (parsed.kind === 'end_group' || parsed.kind === 'end_repeat') {
      const top = stack[stack.length - 1];
      const opener = parsed.kind === 'end_group' ? 'begin_group' : 'begin_repeat';
      if (!top) {
        run.issue({
          sheet: 'survey',
          row: r.row,
          column: colName('type'),
          code: parsed.kind === 'end_group' ? 'UNMATCHED_END_GROUP' : 'UNMATCHED_END_REPEAT',
          message: `This ${parsed.kind} has no matching ${opener} above it.`,
        });
        continue;
      }
      if ((top.kind === 'repeat') !== (parsed.kind === 'end_repeat'))
        run.issue({
          sheet: 'survey',
          row: r.row,
          column: colName('type'),
          code: parsed.kind === 'end_group' ? 'UNMATCHED_END_GROUP' : 'UNMATCHED_END_REPEAT',
          message: `This ${parsed.kind} closes the ${top.kind === 'repeat' ? 'repeat' : 'group'} that begins at row ${top.row}.`,
        });
      stack.pop();
      continue;
    }
    if (parsed.kind === 'begin_repeat') {
      run.issue({
        sheet: 'survey',
        row: r.row,
        column: colName('type'),
        code: 'UNSUPPORTED_TYPE',
        message: `Repeats are not supported by the registry${name ? ` ("${name}")` : ''}.`,
      });
      if (name && NAME_PATTERN.test(name)) claim(name, r.row, undefined);
      stack.push({ kind: 'repeat', row: r.row });
      continue;
    }
    if (parsed.kind === 'bad') {
      run.issue({ sheet: 'survey', row: r.row, column: colName('type'), code: parsed.code, message: parsed.message });
      if (name && NAME_PATTERN.test(name)) claim(name, r.row, undefined);
      continue;
    }

    // A question.
    let build: SectionBuild;
    const top = stack.find((b): b is Extract<Block, { kind: 'group' }> => b.kind === 'group');
    if (top) build = top.build;
    else if (stack.length > 0)
      continue; // inside a repeat outside any group: already reported
    else {
      if (!implicit) {
        do implicitCount++;
        while (groupNames.has(`_top_${implicitCount}`));
        implicit = newSection({ name: `_top_${implicitCount}`, questions: [] }, r.row);
      }
      build = implicit;
    }
    const q: Question = { name: name ?? '', type: parsed.type };
    const p = `sections.${build.index}.questions.${build.section.questions.length}`;
    run.map(p, 'survey', r.row);
    run.map(`${p}.name`, 'survey', r.row, colName('name'));
    run.map(`${p}.type`, 'survey', r.row, colName('type'));
    if (checkName(name, r.row, `${p}.name`, 'question')) {
      claim(name!, r.row, `${p}.name`);
      questionNames.add(name!);
    }
    if (parsed.list !== undefined) {
      q.choiceList = parsed.list;
      run.map(`${p}.choiceList`, 'survey', r.row, colName('type'));
      selects.push({
        list: parsed.list,
        row: r.row,
        column: colName('type'),
        multiple: parsed.type === 'select_multiple',
      });
      if (!NAME_PATTERN.test(parsed.list))
        run.issue(
          {
            sheet: 'survey',
            row: r.row,
            column: colName('type'),
            code: 'BAD_NAME',
            message: `The list name "${parsed.list}" is not valid.`,
          },
          `${p}.choiceList`,
        );
    }
    const text = (f: SurveyField, key: keyof Question) => {
      const v = cell(r, f);
      if (v === undefined) return undefined;
      run.map(`${p}.${key}`, 'survey', r.row, colName(f));
      return v;
    };
    const label = text('label', 'label');
    if (label !== undefined) q.label = label;
    const hint = text('hint', 'hint');
    if (hint !== undefined) q.hint = hint;
    const required = cell(r, 'required');
    if (required !== undefined) {
      const b = bool(required);
      if (b === true) q.required = true;
      else if (b === undefined) q.required = required;
      if (b !== false) run.map(`${p}.required`, 'survey', r.row, colName('required'));
    }
    const relevant = text('relevant', 'relevant');
    if (relevant !== undefined) q.relevant = relevant;
    const constraint = text('constraint', 'constraint');
    if (constraint !== undefined) q.constraint = constraint;
    const constraintMessage = text('constraint_message', 'constraintMessage');
    if (constraintMessage !== undefined) q.constraintMessage = constraintMessage;
    const calculation = text('calculation', 'calculation');
    if (calculation !== undefined) q.calculation = calculation;
    const appearance = text('appearance', 'appearance');
    if (appearance !== undefined) q.appearance = appearance;
    const readOnly = cell(r, 'read_only');
    if (readOnly !== undefined) {
      const b = bool(readOnly);
      if (b === undefined)
        run.issue({
          sheet: 'survey',
          row: r.row,
          column: colName('read_only'),
          code: 'UNSUPPORTED_VALUE',
          message: `read_only must be yes or no; "${readOnly}" (an expression?) is not supported.`,
        });
      else if (b) {
        q.readOnly = true;
        run.map(`${p}.readOnly`, 'survey', r.row, colName('read_only'));
      }
    }
    const dflt = text('default', 'default');
    if (dflt !== undefined) q.default = dflt;
    const oslrsType = cell(r, 'oslrs_type');
    if (oslrsType !== undefined) {
      const o = oslrsType.toLowerCase();
      if ((OSLRS_TEXT_TYPES as readonly string[]).includes(o) && q.type === 'text') {
        q.type = o as QuestionType;
        run.map(`${p}.type`, 'survey', r.row, colName('oslrs_type'));
      } else if (o !== q.type) {
        run.issue(
          {
            sheet: 'survey',
            row: r.row,
            column: colName('oslrs_type'),
            code: 'INVALID_OSLRS_TYPE',
            message: (OSLRS_TEXT_TYPES as readonly string[]).includes(o)
              ? `oslrs_type "${oslrsType}" needs type "text" (this row has "${typeRaw}").`
              : `oslrs_type must be one of ${OSLRS_TEXT_TYPES.join(', ')}; "${oslrsType}" is not.`,
          },
          `${p}.type`,
        );
      }
    }
    if (q.type === 'calculate' && q.calculation === undefined)
      run.issue(
        {
          sheet: 'survey',
          row: r.row,
          column: colName('calculation'),
          code: 'MISSING_CALCULATION',
          message: `The calculate question "${q.name}" has no calculation.`,
        },
        `${p}.calculation`,
      );
    if (!VISIBLE_WITHOUT_LABEL.has(q.type) && q.label === undefined && q.hint === undefined)
      run.warn({
        sheet: 'survey',
        row: r.row,
        column: colName('label'),
        code: 'MISSING_LABEL',
        message: `The question "${q.name}" has no label; ODK refuses questions without a label or hint.`,
      });
    build.section.questions.push(q);
  }
  for (const b of stack)
    if (b.kind !== 'repeat')
      run.issue({
        sheet: 'survey',
        row: b.row,
        column: colName('type'),
        code: 'UNCLOSED_GROUP',
        message: 'This begin_group has no matching end_group.',
      });
  return { sections, selects, questionNames };
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

const EXPORT_SURVEY_COLUMNS: { key: SurveyField; width: number }[] = [
  { key: 'type', width: 28 },
  { key: 'name', width: 24 },
  { key: 'label', width: 48 },
  { key: 'hint', width: 32 },
  { key: 'required', width: 10 },
  { key: 'relevant', width: 32 },
  { key: 'constraint', width: 32 },
  { key: 'constraint_message', width: 32 },
  { key: 'calculation', width: 32 },
  { key: 'appearance', width: 14 },
  { key: 'read_only', width: 10 },
  { key: 'default', width: 14 },
  { key: 'oslrs_type', width: 12 },
];

function xlsformType(q: Question): { type: string; oslrsType?: string } {
  if (q.type === 'select_one' || q.type === 'select_multiple')
    return { type: `${q.type} ${q.choiceList ?? ''}`.trim() };
  if ((OSLRS_TEXT_TYPES as readonly string[]).includes(q.type)) return { type: 'text', oslrsType: q.type };
  return { type: q.type };
}

/** The native form as an XLSForm workbook (survey, choices, settings); every cell a plain value. */
export async function exportXlsForm(form: FormSchema): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OSLRS';
  const survey = wb.addWorksheet('survey', { views: [{ state: 'frozen', ySplit: 1 }] });
  survey.columns = EXPORT_SURVEY_COLUMNS.map((c) => ({ header: c.key, key: c.key, width: c.width }));
  let previousBare = false;
  for (const s of form.sections) {
    // Questions outside any group: written without begin/end_group. Anything a bare run of rows cannot
    // carry (a label, a condition, no questions, or following another bare run, which would merge
    // with it) is written as a group of that name instead, so the structure survives a round trip.
    const bare: boolean =
      IMPLICIT_SECTION.test(s.name) &&
      s.label === undefined &&
      s.relevant === undefined &&
      s.questions.length > 0 &&
      !previousBare;
    previousBare = bare;
    if (!bare) survey.addRow({ type: 'begin_group', name: s.name, label: s.label, relevant: s.relevant });
    for (const q of s.questions) {
      const t = xlsformType(q);
      survey.addRow({
        type: t.type,
        name: q.name,
        label: q.label,
        hint: q.hint,
        required: q.required === true ? 'yes' : q.required === false ? undefined : q.required,
        relevant: q.relevant,
        constraint: q.constraint,
        constraint_message: q.constraintMessage,
        calculation: q.calculation,
        appearance: q.appearance,
        read_only: q.readOnly ? 'yes' : undefined,
        default: q.default,
        oslrs_type: t.oslrsType,
      });
    }
    if (!bare) survey.addRow({ type: 'end_group' });
  }

  const choices = wb.addWorksheet('choices', { views: [{ state: 'frozen', ySplit: 1 }] });
  choices.columns = [
    { header: 'list_name', key: 'list_name', width: 22 },
    { header: 'name', key: 'name', width: 26 },
    { header: 'label', key: 'label', width: 48 },
  ];
  for (const [list, items] of Object.entries(form.choiceLists))
    for (const c of items) choices.addRow({ list_name: list, name: c.name, label: c.label });

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
    default_language: form.defaultLanguage,
    oslrs_field_map: fieldMap.length ? fieldMap.map(([k, v]) => `${k}=${v}`).join(', ') : undefined,
  });
  for (const ws of [survey, choices, settings]) ws.getRow(1).font = { bold: true };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
