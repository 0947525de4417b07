import {
  formSchema,
  MAX_REPEAT_INSTANCES,
  NAME_PATTERN,
  RESPONDENT_FIELDS,
  type Choice,
  type FormSchema,
  type Question,
  type QuestionType,
  type RespondentField,
  type Section,
  type Translation,
} from '@oslrs/core';
import {
  COLUMN_ALIASES,
  DEFAULT_LANG_KEY,
  EXPRESSION_FIELDS,
  MEDIA_COLUMNS,
  OSLRS_TEXT_TYPES,
  otherChoice,
  otherQuestion,
  REFUSED_TYPES,
  SELECT_SPELLINGS,
  SETTINGS_ALIASES,
  SIMPLE_TYPES,
  SURVEY_FIELDS,
  TRANSLATABLE,
  VISIBLE_WITHOUT_LABEL,
  allQuestions,
  implicitSectionName,
  type SettingsField,
  type SurveyField,
} from './xlsform-vocab.js';
import { countValueRows, inspectXlsxPackage, PackageProblem, worksheetParts, XLSX_LIMITS } from './xlsform-zip.js';
import {
  ATTACHMENT_LIMITS,
  isCompoundFile,
  readBundle,
  readCsv,
  readXls,
  readXlsx,
  type CellRead,
  type Grid,
  type Workbook,
} from './xlsform-read.js';

/**
 * XLSForm (the ODK/KoboToolbox spreadsheet standard, as pyxform reads it) ⇄ the registry's native
 * FormSchema.
 *
 * Import reports every problem it finds (sheet, row, column) instead of guessing, and every
 * downgrade (a formula read by its cached value, an ignored column, a slugged id) as a warning by
 * cell; expressions are kept as strings and checked later by the expression engine, which uses the
 * returned source map to point its own errors at the right cell. Nothing in a workbook is evaluated.
 * Reading files: ./xlsform-read (and ./xlsform-zip); the vocabulary: ./xlsform-vocab; export:
 * ./xlsform-export (re-exported here).
 */

export interface XlsFormIssue {
  /** `survey`, `choices`, `settings`, an attachment's file name, or '' for the file as a whole. */
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

export interface XlsFormImportOptions {
  /** The uploaded file's name: the form id when the settings give none (as pyxform does). */
  fileName?: string;
  /** Files sent beside the workbook, by file name: the CSVs of `select_one_from_file` and `pulldata()`. */
  attachments?: ReadonlyMap<string, Buffer>;
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
// Reading grids into plain tables
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

function normalizeHeader(raw: string, aliases: Record<string, string>): { base: string; lang?: string } {
  const lower = raw.trim().toLowerCase();
  if (aliases[lower]) return { base: aliases[lower] };
  const sep = lower.indexOf('::');
  if (sep > 0) {
    const head = lower.slice(0, sep).trim().replace(/\s+/g, '_');
    const base = aliases[head] ?? head;
    if (base in TRANSLATABLE || MEDIA_COLUMNS.has(base))
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

const MAX_CELL_WARNINGS = 20;

function readTable(grid: Grid, sheet: string, run: ImportRun, aliases: Record<string, string> = COLUMN_ALIASES): Table {
  const headers: Header[] = [];
  const byCol = new Map<number, Header>();
  const colName = (col: number) => byCol.get(col)?.raw ?? columnLetter(col);
  let formulas = 0;
  const text = (r: CellRead, row: number, col: number): string => {
    if (r.kind === 'text') return r.text.trim();
    if (r.kind === 'error') {
      run.issue({
        sheet,
        row,
        column: colName(col),
        code: 'CELL_ERROR',
        message: `The cell holds the spreadsheet error ${r.error}.`,
      });
      return '';
    }
    if (++formulas <= MAX_CELL_WARNINGS)
      run.warn({
        sheet,
        row,
        column: colName(col),
        code: 'FORMULA_CACHED_VALUE',
        message: r.cached
          ? `The cell is a formula; its saved value "${r.cached.trim()}" was used (formulas are never run).`
          : 'The cell is a formula with no saved value; it was read as empty (formulas are never run).',
      });
    return r.cached.trim();
  };
  const rowNumbers = [...grid.rows.keys()].sort((a, b) => a - b);
  for (const [col, cell] of [...(grid.rows.get(1) ?? new Map<number, CellRead>())].sort((a, b) => a[0] - b[0])) {
    const raw = text(cell, 1, col);
    if (!raw) continue;
    const h: Header = { col, raw, ...normalizeHeader(raw, aliases) };
    headers.push(h);
    byCol.set(col, h);
  }
  const rows: TableRow[] = [];
  for (const rowNumber of rowNumbers) {
    if (rowNumber === 1) continue;
    const cells = new Map<number, string>();
    for (const [col, cell] of [...grid.rows.get(rowNumber)!].sort((a, b) => a[0] - b[0])) {
      const t = text(cell, rowNumber, col);
      if (t) cells.set(col, t);
    }
    if (cells.size > 0) rows.push({ row: rowNumber, cells });
  }
  if (formulas > MAX_CELL_WARNINGS)
    run.warn({
      sheet,
      code: 'FORMULA_CACHED_VALUE',
      message: `${formulas - MAX_CELL_WARNINGS} more formula cells were read by their saved value.`,
    });
  return { sheet, headers, rows, byCol };
}

function findSheet(wb: Workbook, name: string): Grid | undefined {
  return wb.sheets.find((w) => w.name === name) ?? wb.sheets.find((w) => w.name.trim().toLowerCase() === name);
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
 * The columns of a translatable field: the one holding the default language (the column named for
 * `default_language`, else the plain one, else the first) and the others by language.
 */
function languageColumns(
  table: Table,
  base: string,
  defaultLanguage: string | undefined,
): { main?: Header; others: [string, Header][] } {
  const candidates = table.headers.filter((h) => h.base === base);
  if (candidates.length === 0) return { others: [] };
  const main =
    (defaultLanguage
      ? candidates.find((h) => h.lang !== undefined && languageMatches(h.lang, defaultLanguage))
      : undefined) ??
    candidates.find((h) => h.lang === undefined) ??
    candidates[0]!;
  const others: [string, Header][] = [];
  const seen = new Set<string>();
  for (const h of candidates) {
    if (h === main) continue;
    const key = h.lang ?? DEFAULT_LANG_KEY;
    if (seen.has(key)) continue; // a duplicate column: reported by the caller
    seen.add(key);
    others.push([key, h]);
  }
  return { main, others };
}

/** Warns once per column that holds values we do not use (at most MAX_CELL_WARNINGS warnings). */
function warnUnusedColumns(table: Table, used: Set<number>, warnings: XlsFormIssue[], what = 'column') {
  const maxHeaderCol = new Set(table.byCol.keys());
  const seen = new Map<number, number>();
  for (const r of table.rows)
    for (const col of r.cells.keys()) if (!used.has(col) && !seen.has(col)) seen.set(col, r.row);
  const all = [...seen].sort((a, b) => a[0] - b[0]);
  if (all.length > MAX_CELL_WARNINGS) {
    const rest = all.splice(MAX_CELL_WARNINGS - 1);
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
  if (l === 'yes' || l === 'true' || l === '1' || l === 'true()') return true;
  if (l === 'no' || l === 'false' || l === '0' || l === '' || l === 'false()') return false;
  return undefined;
}

/** ‘ ’ “ ” (what word processors put in expressions) → ' and ". */
function straightQuotes(s: string): string {
  return s.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');
}

/** A name made of anything: invalid characters become `_` (pyxform's file-name default, made valid). */
export function slugName(raw: string): string {
  let s = raw
    .trim()
    .replace(/\s+/g, '_')
    .replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!/^[A-Za-z_]/.test(s)) s = `_${s}`;
  return s.slice(0, 64);
}

/** `${name}` references in an expression. */
function references(expr: string): string[] {
  return [...expr.matchAll(/\$\{\s*([^}\s]+)\s*\}/g)].map((m) => m[1]!);
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
  fromFile: boolean;
  orOther: boolean;
  parameters?: string;
}

function refuse(code: string, message: string, sheet = ''): never {
  throw new XlsFormError([{ sheet, code, message }]);
}

/** Refuses oversize sheets from the raw XML, before the workbook is parsed at all. */
function precheckSheetSizes(pkg: ReturnType<typeof inspectXlsxPackage>) {
  let parts: Map<string, string>;
  try {
    parts = worksheetParts(pkg);
  } catch {
    return; // unusual structure: the checks after parsing still apply
  }
  const issues: XlsFormIssue[] = [];
  for (const [name, part] of parts) {
    const key = name.trim().toLowerCase();
    const limit = SHEET_LIMITS[key];
    const xml = limit !== undefined ? pkg.xml.get(part) : undefined;
    if (limit === undefined || !xml) continue;
    const rows = countValueRows(xml.toString('utf8'), limit + 1) - 1; // minus the header row
    if (rows > limit) issues.push(tooLarge(key, limit));
  }
  if (issues.length) throw new XlsFormError(issues);
}

const SHEET_LIMITS: Record<string, number> = {
  survey: XLSX_LIMITS.maxSurveyRows,
  choices: XLSX_LIMITS.maxChoicesRows,
};
const tooLarge = (sheet: string, limit: number): XlsFormIssue => ({
  sheet,
  code: 'SHEET_TOO_LARGE',
  message: `The ${sheet} sheet has more than ${limit.toLocaleString('en')} rows; at most ${limit.toLocaleString('en')} are accepted.`,
});

async function readWorkbook(file: Buffer): Promise<Workbook> {
  if (isCompoundFile(file)) return readXls(file);
  const pkg = inspectXlsxPackage(file);
  precheckSheetSizes(pkg);
  try {
    return await readXlsx(file);
  } catch {
    throw new PackageProblem('NOT_XLSX', 'The file could not be read as an Excel workbook (.xlsx).');
  }
}

/** A .zip bundle (workbook + CSVs) unpacked; anything else passed through. */
function unbundle(file: Buffer, options: XlsFormImportOptions): { file: Buffer; options: XlsFormImportOptions } {
  if (file.length < 4 || file.readUInt32LE(0) !== 0x04034b50) return { file, options };
  if (file.length > XLSX_LIMITS.maxFileBytes) return { file, options }; // refused by the package checks
  const bundle = readBundle(file);
  if (!bundle) return { file, options };
  const attachments = new Map(bundle.attachments);
  for (const [k, v] of options.attachments ?? []) attachments.set(k, v);
  return { file: bundle.workbook.content, options: { fileName: bundle.workbook.name, attachments } };
}

export async function importXlsForm(input: Buffer, opts: XlsFormImportOptions = {}): Promise<XlsFormImport> {
  let wb: Workbook;
  let options: XlsFormImportOptions;
  try {
    const un = unbundle(input, opts);
    options = un.options;
    wb = await readWorkbook(un.file);
  } catch (e) {
    if (e instanceof PackageProblem) refuse(e.code, e.message);
    throw e;
  }

  const run = new ImportRun();
  const surveyWs = findSheet(wb, 'survey');
  const choicesWs = findSheet(wb, 'choices');
  const settingsWs = findSheet(wb, 'settings');
  if (!surveyWs)
    refuse(
      'MISSING_SHEET',
      `The workbook has no "survey" sheet (it has: ${wb.sheets.map((w) => `"${w.name}"`).join(', ') || 'none'}).`,
      'survey',
    );
  for (const [ws, key] of [
    [surveyWs, 'survey'],
    [choicesWs, 'choices'],
  ] as const) {
    const limit = SHEET_LIMITS[key]!;
    if (ws && ws.rows.size - (ws.rows.has(1) ? 1 : 0) > limit) throw new XlsFormError([tooLarge(key, limit)]);
  }

  const settings = readSettings(run, settingsWs, options.fileName);
  const surveyTable = readTable(surveyWs, 'survey', run);
  const choicesTable = choicesWs ? readTable(choicesWs, 'choices', run, CHOICE_ALIASES) : undefined;
  const defaultLanguage = resolveDefaultLanguage(settings.defaultLanguage, surveyTable, choicesTable);
  const lists = choicesTable ? readChoices(run, choicesTable, defaultLanguage) : undefined;
  const survey = readSurvey(run, surveyTable, defaultLanguage, lists);
  const { sections, selects, questionNames } = survey;

  // or_other: the list gains an `other` choice (unless it has one).
  for (const s of selects)
    if (s.orOther && !s.fromFile) {
      const list = lists?.get(s.list);
      if (list && list.choices.length > 0 && !list.choices.some((c) => c.name === 'other'))
        list.choices.push(otherChoice(list.choices));
    }

  // Selects against choice lists (lists from files come from the attachments).
  const fileLists = new Map<string, Choice[]>();
  const fileSelects = selects.filter((s) => s.fromFile);
  const sheetSelects = selects.filter((s) => !s.fromFile);
  const usedLists = new Set(sheetSelects.map((s) => s.list));
  if (sheetSelects.length > 0 && !lists) {
    run.issue({
      sheet: 'choices',
      code: 'MISSING_SHEET',
      message: `The workbook has no "choices" sheet, but select questions use the list${usedLists.size === 1 ? '' : 's'} ${[...usedLists].map((l) => `"${l}"`).join(', ')}.`,
    });
  } else if (lists) {
    for (const s of sheetSelects) {
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
      if (sheetSelects.some((s) => s.multiple && s.list === name)) {
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
  for (const s of fileSelects) {
    if (fileLists.has(s.list)) continue;
    const list = attachedList(run, options.attachments, s.list, { sheet: 'survey', row: s.row, column: s.column }, s);
    if (list) fileLists.set(s.list, list);
  }
  for (const p of survey.pulldata) {
    if (fileLists.has(p.file)) continue;
    const list = attachedList(run, options.attachments, p.file, p.at, undefined);
    if (list) fileLists.set(p.file, list);
  }
  for (const [name] of options.attachments ?? [])
    if (!fileLists.has(name) && ![...fileLists.keys()].some((k) => k.toLowerCase() === name.toLowerCase()))
      run.warn({
        sheet: name,
        code: 'ATTACHMENT_UNUSED',
        message: `The attached file "${name}" is not used by any select_one_from_file or pulldata(); it was ignored.`,
      });

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

  const choiceLists: Record<string, Choice[]> = Object.fromEntries(
    [...(lists ?? new Map<string, ChoiceListBuild>())].map(([k, v]) => [k, v.choices]),
  );
  for (const [k, v] of fileLists) choiceLists[k] = v;
  const otherLanguages = otherLanguagesOf(sections, choiceLists);
  const form: FormSchema = {
    formId: settings.formId ?? '',
    title: settings.title ?? '',
    ...(settings.version !== undefined ? { version: settings.version } : {}),
    ...(defaultLanguage !== undefined ? { defaultLanguage } : {}),
    ...(otherLanguages.length ? { languages: [defaultLanguage ?? DEFAULT_LANG_KEY, ...otherLanguages] } : {}),
    sections,
    choiceLists,
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

// ---- languages ----

/**
 * The default language: settings `default_language`; else, when every translatable column names a
 * language (`label::English (en)`, no plain `label`), the first one named.
 */
function resolveDefaultLanguage(setting: string | undefined, survey: Table, choices: Table | undefined) {
  if (setting !== undefined) return setting;
  const columns = [survey, ...(choices ? [choices] : [])].flatMap((t) =>
    t.headers.filter((h) => h.base in TRANSLATABLE && t.rows.some((r) => r.cells.has(h.col))),
  );
  return columns.some((h) => h.lang === undefined) ? undefined : columns.find((h) => h.lang !== undefined)?.lang;
}

/** Every language with text in the form besides the default, in the order first met. */
function otherLanguagesOf(sections: Section[], lists: Record<string, Choice[]>): string[] {
  const seen = new Set<string>();
  for (const s of sections) {
    Object.keys(s.translations ?? {}).forEach((l) => seen.add(l));
    for (const q of allQuestions(s.questions)) Object.keys(q.translations ?? {}).forEach((l) => seen.add(l));
  }
  for (const cs of Object.values(lists))
    for (const c of cs) Object.keys(c.translations ?? {}).forEach((l) => seen.add(l));
  return [...seen];
}

// ---- attachments ----

/** A CSV attached beside the form as a choice list (`name`/`label` columns, the rest in `columns`). */
function attachedList(
  run: ImportRun,
  attachments: ReadonlyMap<string, Buffer> | undefined,
  file: string,
  at: { sheet: string; row: number; column: string },
  select: SelectUse | undefined,
): Choice[] | undefined {
  const content =
    attachments?.get(file) ??
    [...(attachments ?? [])].find(([k]) => k.toLowerCase() === file.toLowerCase())?.[1] ??
    undefined;
  const use = select ? `"${select.multiple ? 'select_multiple' : 'select_one'}_from_file ${file}"` : 'pulldata()';
  if (!/\.csv$/i.test(file)) {
    run.issue({
      ...at,
      code: 'UNSUPPORTED_ATTACHMENT',
      message: `${use} names "${file}"; only .csv files are supported (not .xml or .geojson).`,
    });
    return undefined;
  }
  if (!content) {
    run.issue({
      ...at,
      code: 'ATTACHMENT_MISSING',
      message: `${use} needs the file "${file}": upload it beside the form (or in a .zip with the workbook).`,
    });
    return undefined;
  }
  let table: ReturnType<typeof readCsv>;
  try {
    table = readCsv(file, content);
  } catch (e) {
    run.issue({ sheet: file, code: 'ATTACHMENT_INVALID', message: e instanceof Error ? e.message : String(e) });
    return undefined;
  }
  const params = new Map(
    [...(select?.parameters ?? '').matchAll(/([\w-]+)\s*=\s*(\S+)/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
  );
  const header = table.header.map((h) => h.trim());
  const valueName = params.get('value') ?? 'name';
  const labelName = params.get('label') ?? 'label';
  let nameCol = header.indexOf(valueName);
  const labelCol = header.indexOf(labelName);
  if (nameCol < 0 && select) {
    run.issue({
      ...at,
      code: 'ATTACHMENT_INVALID',
      message: `The file "${file}" has no "${valueName}" column (its columns: ${header.join(', ') || 'none'}).`,
    });
    return undefined;
  }
  // pulldata() reads any column by name: without a `name` column, the first names the rows.
  const nameIsColumn = nameCol < 0;
  if (nameCol < 0) nameCol = 0;
  const choices: Choice[] = [];
  let nameless = 0;
  for (const r of table.rows) {
    const name = r[nameCol] ?? '';
    if (!name) {
      nameless++;
      continue;
    }
    const columns: Record<string, string> = {};
    const translations: Record<string, string> = {};
    header.forEach((h, i) => {
      if (!h || (i === nameCol && !nameIsColumn) || i === labelCol || r[i] === undefined || r[i] === '') return;
      const lang = /^label\s*::\s*(.+)$/i.exec(h)?.[1];
      if (lang && select) translations[lang] = r[i]!;
      else columns[h] = r[i]!;
    });
    choices.push({
      name,
      label: labelCol >= 0 && r[labelCol] ? r[labelCol]! : name,
      ...(Object.keys(translations).length ? { translations } : {}),
      ...(Object.keys(columns).length ? { columns } : {}),
    });
  }
  if (nameless)
    run.warn({
      sheet: file,
      code: 'MISSING_NAME',
      message: `${nameless} row${nameless === 1 ? '' : 's'} of "${file}" had no ${header[nameCol] ?? 'name'} and ${nameless === 1 ? 'was' : 'were'} skipped.`,
    });
  if (select && choices.length === 0)
    run.issue({ ...at, code: 'CHOICE_LIST_EMPTY', message: `The file "${file}" has no rows with a name.` });
  run.map(`choiceLists.${file}`, at.sheet, at.row, at.column);
  return choices;
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

/** The form id pyxform would take from the file name, made a valid name. */
function idFromFileName(run: ImportRun, fileName: string | undefined, why: string): string {
  const base = (fileName ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const id = slugName(base || 'form');
  run.warn({
    sheet: 'settings',
    column: 'form_id',
    code: 'FORM_ID_FROM_FILE_NAME',
    message: `${why}; the form id "${id}" was taken from ${fileName ? `the file name "${fileName}"` : 'a default (no file name was given)'}.`,
  });
  return id;
}

function readSettings(run: ImportRun, ws: Grid | undefined, fileName: string | undefined): Settings {
  const out: Settings = {};
  if (!ws) {
    out.formId = idFromFileName(run, fileName, 'The workbook has no "settings" sheet');
    out.title = out.formId;
    return out;
  }
  const table = readTable(ws, 'settings', run, SETTINGS_ALIASES);
  const data = table.rows[0];
  const used = new Set<number>();
  const get = (field: SettingsField | 'public_key' | 'instance_name') => {
    const h = table.headers.find((x) => x.base === field && x.lang === undefined);
    if (!h || !data) return undefined;
    used.add(h.col);
    const v = data.cells.get(h.col);
    return v === undefined ? undefined : { value: v, row: data.row, column: h.raw };
  };
  const key = get('public_key');
  if (key)
    run.issue({
      sheet: 'settings',
      row: key.row,
      column: key.column,
      code: 'ENCRYPTED_FORM_UNSUPPORTED',
      message:
        'Encrypted forms (public_key) are not supported: the registry must read submissions to file them. Remove public_key.',
    });
  const instanceName = get('instance_name');
  if (instanceName)
    run.warn({
      sheet: 'settings',
      row: instanceName.row,
      column: instanceName.column,
      code: 'SETTING_IGNORED',
      message: 'instance_name is not used: the registry names each submission by its respondent and id.',
    });
  const formId = get('form_id');
  if (formId) {
    run.map('formId', 'settings', formId.row, formId.column);
    out.formId = formId.value;
    if (!NAME_PATTERN.test(formId.value)) {
      out.formId = slugName(formId.value);
      run.warn({
        sheet: 'settings',
        row: formId.row,
        column: formId.column,
        code: 'FORM_ID_SLUGGED',
        message: `form_id "${formId.value}" is not a valid name (letters, digits, _ - ., no spaces); "${out.formId}" was used.`,
      });
    }
  } else {
    out.formId = idFromFileName(run, fileName, 'The settings sheet has no form_id');
  }
  const title = get('form_title');
  if (title) {
    out.title = title.value;
    run.map('title', 'settings', title.row, title.column);
  } else {
    out.title = out.formId;
    if (formId) {
      run.map('title', 'settings', formId.row, formId.column);
      run.warn({
        sheet: 'settings',
        row: formId.row,
        column: 'form_title',
        code: 'MISSING_TITLE',
        message: `The settings sheet has no form_title; the form_id "${out.formId}" is used as the title.`,
      });
    }
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
      const k = m[1]!.toLowerCase();
      if (!(RESPONDENT_FIELDS as readonly string[]).includes(k))
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
      map[k] = m[2]!;
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
    // Standard ODK settings we do not use (style, submission_url, …).
    const unused = { ...table, rows: [data] };
    warnUnusedColumns(unused, used, run.warnings, 'setting');
  }
  return out;
}

// ---- choices ----

const CHOICE_ALIASES: Record<string, string> = {
  caption: 'label',
  value: 'name',
  list: 'list_name',
};

function readChoices(run: ImportRun, table: Table, defaultLanguage: string | undefined): Map<string, ChoiceListBuild> {
  const lists = new Map<string, ChoiceListBuild>();
  const listCol = table.headers.find((h) => h.base === 'list_name');
  const nameCol = table.headers.find((h) => h.base === 'name');
  const labels = languageColumns(table, 'label', defaultLanguage);
  const labelCol = labels.main;
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
  for (const [, h] of labels.others) used.add(h.col);
  for (const h of table.headers)
    if (
      (h.base === 'list_name' && h !== listCol) ||
      (h.base === 'name' && h !== nameCol) ||
      (h.base === 'label' && h !== labelCol && !labels.others.some(([, o]) => o === h))
    )
      run.issue({
        sheet: 'choices',
        row: 1,
        column: h.raw,
        code: 'DUPLICATE_COLUMN',
        message: `The choices sheet has more than one "${h.raw}" column.`,
      });
  // Any other column (not media) is kept on each choice, for choice_filter and pulldata().
  const extra = table.headers.filter(
    (h) =>
      !used.has(h.col) &&
      h.base !== 'list_name' &&
      h.base !== 'name' &&
      h.base !== 'label' &&
      !MEDIA_COLUMNS.has(h.base),
  );
  for (const h of extra) used.add(h.col);
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
    const choice: Choice = { name, label: label ?? '' };
    const translations: Record<string, string> = {};
    for (const [lang, h] of labels.others) {
      const v = r.cells.get(h.col);
      if (v !== undefined) translations[lang] = v;
    }
    if (Object.keys(translations).length) choice.translations = translations;
    const columns: Record<string, string> = {};
    for (const h of extra) {
      const v = r.cells.get(h.col);
      if (v !== undefined) columns[h.raw] = v;
    }
    if (Object.keys(columns).length) choice.columns = columns;
    list.choices.push(choice);
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

type ParsedType =
  | { kind: 'begin'; container: 'group' | 'repeat' | 'loop'; list?: string }
  | { kind: 'end'; container: 'group' | 'repeat' | 'loop' }
  | {
      kind: 'question';
      type: QuestionType;
      list?: string;
      fromFile?: boolean;
      orOther?: boolean;
    }
  | { kind: 'bad'; code: string; message: string };

function parseType(raw: string): ParsedType {
  const t = raw.replace(/\s+/g, ' ').trim();
  const lower = t.toLowerCase();
  const block = /^(begin|end)[ _](group|lgroup|repeat|looped group|loop)(?: over (\S+))?$/.exec(lower);
  if (block) {
    const container = block[2] === 'group' ? 'group' : block[2] === 'loop' ? 'loop' : 'repeat';
    if (block[1] === 'end') return { kind: 'end', container };
    if (container === 'loop') {
      const list = /over (\S+)$/.exec(t)?.[1];
      if (!list)
        return { kind: 'bad', code: 'MISSING_CHOICE_LIST', message: `"${t}" needs a list: "begin loop over <list>".` };
      return { kind: 'begin', container, list };
    }
    return { kind: 'begin', container };
  }
  for (const [spelling, type, fromFile] of SELECT_SPELLINGS) {
    if (lower !== spelling && !lower.startsWith(`${spelling} `)) continue;
    const rest = t.slice(spelling.length).split(' ').filter(Boolean);
    const orOther = rest.length === 2 && rest[1]!.toLowerCase() === 'or_other';
    const native = fromFile ? `${type}_from_file` : type;
    if (rest.length === 0)
      return {
        kind: 'bad',
        code: 'MISSING_CHOICE_LIST',
        message: `"${t}" needs the name of a ${fromFile ? 'file' : 'choice list'}, e.g. "${native} ${fromFile ? 'villages.csv' : 'yes_no'}".`,
      };
    if (rest.length > 2 || (rest.length === 2 && !orOther))
      return {
        kind: 'bad',
        code: 'UNSUPPORTED_TYPE',
        message: `"${t}": the type takes one list name${fromFile ? '' : ' and optionally or_other'}, e.g. "${native} ${rest[0]}".`,
      };
    if (orOther && fromFile)
      return {
        kind: 'bad',
        code: 'UNSUPPORTED_TYPE',
        message: `"${t}": or_other is not supported with a list from a file (as in pyxform); add an "other" row to the file.`,
      };
    return { kind: 'question', type, list: rest[0]!, fromFile, orOther };
  }
  const simple = SIMPLE_TYPES[lower];
  if (simple) return { kind: 'question', type: simple };
  const refused = REFUSED_TYPES[lower];
  if (refused)
    return { kind: 'bad', code: 'UNSUPPORTED_TYPE', message: `The type "${t}" is not supported: ${refused}.` };
  const hint = (OSLRS_TEXT_TYPES as readonly string[]).includes(lower)
    ? ` Write "text" in type and "${lower}" in the oslrs_type column.`
    : ` Supported: text, integer, decimal, date, time, datetime, select_one <list>, select_multiple <list> (with or_other), select_one_from_file <file.csv>, geopoint, barcode, image, audio, video, file, note, calculate, begin/end group, begin/end repeat, begin loop over <list>, and the metadata start, end, today, deviceid, username, phonenumber.`;
  return {
    kind: 'bad',
    code: 'UNSUPPORTED_TYPE',
    message: `The question type "${t}" is not supported by the registry.${hint}`,
  };
}

/** Columns a group or repeat does not take (warned when filled). */
const CONTAINER_IGNORED_FIELDS: SurveyField[] = [
  'hint',
  'required',
  'required_message',
  'constraint',
  'constraint_message',
  'calculation',
  'choice_filter',
  'parameters',
  'read_only',
  'default',
  'oslrs_type',
];

/** Where children go: a top-level section, or a group/repeat question. */
interface Frame {
  kind: 'section' | 'group' | 'repeat' | 'loop' | 'bad';
  row: number;
  /** The children list and its schema path (`sections.2.questions`, `….questions.4.questions`). */
  questions: Question[];
  path: string;
  /** Names inside a repeat (for the repeat_count check). */
  name?: string;
}

/** Inside `begin loop over L`, one iteration: names and references get the choice's suffix. */
interface LoopContext {
  suffix: string;
  names: Set<string>;
  choice: Choice;
}

interface SurveyRead {
  sections: Section[];
  selects: SelectUse[];
  questionNames: Set<string>;
  pulldata: { file: string; at: { sheet: string; row: number; column: string } }[];
}

function readSurvey(
  run: ImportRun,
  table: Table,
  defaultLanguage: string | undefined,
  lists: Map<string, ChoiceListBuild> | undefined,
): SurveyRead {
  const sections: Section[] = [];
  const selects: SelectUse[] = [];
  const questionNames = new Set<string>();
  const pulldata: SurveyRead['pulldata'] = [];
  const out: SurveyRead = { sections, selects, questionNames, pulldata };

  const cols = new Map<SurveyField, Header>();
  const translationCols = new Map<SurveyField, [string, Header][]>();
  for (const f of SURVEY_FIELDS) {
    let h: Header | undefined;
    if (f in TRANSLATABLE) {
      const lc = languageColumns(table, f, defaultLanguage);
      h = lc.main;
      translationCols.set(f, lc.others);
    } else h = table.headers.find((x) => x.base === f);
    if (h) cols.set(f, h);
    const others = translationCols.get(f) ?? [];
    const dups = table.headers.filter((x) => x.base === f && x !== h && !others.some(([, o]) => o === x));
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
  if (!cols.has('type') || !cols.has('name')) return out;

  const used = new Set<number>();
  for (const h of table.headers) if ((SURVEY_FIELDS as readonly string[]).includes(h.base)) used.add(h.col);
  warnUnusedColumns(table, used, run.warnings);

  const cell = (r: TableRow, f: SurveyField) => {
    const h = cols.get(f);
    return h ? r.cells.get(h.col) : undefined;
  };
  const colName = (f: SurveyField) => cols.get(f)?.raw ?? f;

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

  // Every name on the sheet (a later reference from a choice_filter is an error, an unknown one the engine's).
  const allNames = new Set<string>();
  for (const r of table.rows) {
    const n = cell(r, 'name');
    if (n) allNames.add(n);
  }
  const seenNames = new Set<string>();

  const stack: Frame[] = [];
  let implicit: Frame | null = null;
  let implicitCount = 0;
  const newSection = (section: Section, row: number): Frame => {
    const index = sections.length;
    sections.push(section);
    run.map(`sections.${index}`, 'survey', row);
    return { kind: 'section', row, questions: section.questions, path: `sections.${index}` };
  };
  const container = (row: number): Frame => {
    const top = stack[stack.length - 1];
    if (top) return top;
    if (!implicit) {
      // Questions outside any group: a section named `general` (`general_2`, … for later runs; a name
      // the form uses elsewhere is skipped). Never shown: an implicit section has no label.
      let name: string;
      do name = implicitSectionName(++implicitCount);
      while (allNames.has(name));
      implicit = newSection({ name, questions: [] }, row);
    }
    return implicit;
  };

  /** A cell's value in this loop iteration: names and `${refs}` suffixed, `%(label)s` filled. */
  const inLoop = (v: string | undefined, loop: LoopContext[], kind: 'name' | 'expr' | 'text') => {
    if (v === undefined || loop.length === 0) return v;
    let out = v;
    for (const l of loop) {
      if (kind === 'name') {
        if (l.names.has(out)) out = `${out}${l.suffix}`;
      } else if (kind === 'expr') {
        out = out.replace(/\$\{\s*([^}\s]+)\s*\}/g, (m, n: string) => (l.names.has(n) ? `\${${n}${l.suffix}}` : m));
      } else {
        out = out.replace(/%\(([\w-]+)\)s/g, (m, k: string) =>
          k === 'label' ? l.choice.label : k === 'name' ? l.choice.name : (l.choice.columns?.[k] ?? m),
        );
      }
    }
    return out;
  };

  const field = (r: TableRow, f: SurveyField, loop: LoopContext[]): string | undefined => {
    let v = cell(r, f);
    if (v === undefined) return undefined;
    if (EXPRESSION_FIELDS.has(f)) {
      const straight = straightQuotes(v);
      if (straight !== v) {
        run.warn({
          sheet: 'survey',
          row: r.row,
          column: colName(f),
          code: 'CURLY_QUOTES',
          message: 'Curly quotes (‘ ’ “ ”) in the expression were replaced by straight quotes.',
        });
        v = straight;
      }
      for (const m of v.matchAll(/pulldata\s*\(\s*(['"])([^'"]+)\1/g))
        pulldata.push({ file: `${m[2]}.csv`, at: { sheet: 'survey', row: r.row, column: colName(f) } });
      return inLoop(v, loop, 'expr');
    }
    return f in TRANSLATABLE ? inLoop(v, loop, 'text') : v;
  };

  /** The label etc. in other languages. */
  const translationsOf = (r: TableRow, loop: LoopContext[], only?: (keyof Translation)[]) => {
    const t: Record<string, Translation> = {};
    for (const [f, columns] of translationCols) {
      const key = TRANSLATABLE[f]!;
      if (only && !only.includes(key)) continue;
      for (const [lang, h] of columns) {
        const v = r.cells.get(h.col);
        if (v === undefined) continue;
        (t[lang] ??= {})[key] = inLoop(v, loop, 'text');
      }
    }
    return Object.keys(t).length ? t : undefined;
  };

  const warnIgnored = (r: TableRow, fields: SurveyField[], what: string) => {
    for (const f of fields)
      if (cell(r, f) !== undefined)
        run.warn({
          sheet: 'survey',
          row: r.row,
          column: colName(f),
          code: 'GROUP_COLUMN_IGNORED',
          message: `"${colName(f)}" on a ${what} is not supported by the registry and was ignored.`,
        });
  };

  const process = (from: number, to: number, loop: LoopContext[]) => {
    for (let i = from; i < to; i++) {
      const r = table.rows[i]!;
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
      const name = inLoop(cell(r, 'name'), loop, 'name');

      if (parsed.kind === 'end') {
        const top = stack[stack.length - 1];
        const what = `end ${parsed.container}`;
        const code = parsed.container === 'group' ? 'UNMATCHED_END_GROUP' : 'UNMATCHED_END_REPEAT';
        if (!top) {
          run.issue({
            sheet: 'survey',
            row: r.row,
            column: colName('type'),
            code,
            message: `This ${what} has no matching begin ${parsed.container} above it.`,
          });
          continue;
        }
        const opened = top.kind === 'section' ? 'group' : top.kind;
        if (opened !== 'bad' && opened !== parsed.container)
          run.issue({
            sheet: 'survey',
            row: r.row,
            column: colName('type'),
            code,
            message: `This ${what} closes the ${opened} that begins at row ${top.row}.`,
          });
        stack.pop();
        continue;
      }

      if (parsed.kind === 'bad') {
        run.issue({ sheet: 'survey', row: r.row, column: colName('type'), code: parsed.code, message: parsed.message });
        if (name && NAME_PATTERN.test(name)) claim(name, r.row, undefined);
        continue;
      }

      if (parsed.kind === 'begin' && parsed.container === 'loop') {
        // Find the matching end loop, then expand the body once per choice (as pyxform does):
        // a group per choice, `<name>_<choice>` for every name inside, `%(label)s` filled in.
        let depth = 0;
        let end = -1;
        for (let j = i + 1; j < to; j++) {
          const pt = cell(table.rows[j]!, 'type');
          const p = pt ? parseType(pt) : undefined;
          if (p?.kind === 'begin' && p.container === 'loop') depth++;
          if (p?.kind === 'end' && p.container === 'loop' && depth-- === 0) {
            end = j;
            break;
          }
        }
        if (end < 0) {
          run.issue({
            sheet: 'survey',
            row: r.row,
            column: colName('type'),
            code: 'UNCLOSED_GROUP',
            message: 'This begin loop has no matching end loop.',
          });
          return;
        }
        const list = lists?.get(parsed.list!);
        if (!list || list.choices.length === 0) {
          run.issue({
            sheet: 'survey',
            row: r.row,
            column: colName('type'),
            code: 'CHOICE_LIST_MISSING',
            message: `The loop's choice list "${parsed.list}" is not on the choices sheet (or has no choices).`,
          });
          i = end;
          continue;
        }
        const outer = openContainer(r, 'group', name, loop);
        if (!outer) {
          i = end;
          continue;
        }
        run.warn({
          sheet: 'survey',
          row: r.row,
          column: colName('type'),
          code: 'LOOP_EXPANDED',
          message: `The loop over "${parsed.list}" was expanded as pyxform does: a group per choice, each question named <name>_<choice>; the export writes these groups, not "begin loop".`,
        });
        const bodyNames = new Set<string>();
        for (let j = i + 1; j < end; j++) {
          const n = cell(table.rows[j]!, 'name');
          if (n) bodyNames.add(n);
        }
        for (const choice of list.choices) {
          const iteration: LoopContext = { suffix: `_${choice.name}`, names: bodyNames, choice };
          const groupName = `${name}_${choice.name}`;
          const f = container(r.row);
          const q: Question = { name: groupName, type: 'group', label: choice.label, questions: [] };
          const p = `${f.path}.questions.${f.questions.length}`;
          mapQuestion(p, r.row);
          if (checkName(groupName, r.row, `${p}.name`, 'loop iteration') && claim(groupName, r.row, `${p}.name`))
            seenNames.add(groupName);
          f.questions.push(q);
          stack.push({ kind: 'loop', row: r.row, questions: q.questions!, path: p });
          process(i + 1, end, [...loop, iteration]);
          while (stack.length && stack[stack.length - 1]!.path !== p) stack.pop(); // unbalanced body: reported
          stack.pop();
        }
        stack.pop(); // the outer group
        i = end;
        continue;
      }

      if (parsed.kind === 'begin') {
        openContainer(r, parsed.container, name, loop);
        continue;
      }

      // A question.
      const f = container(r.row);
      const q: Question = { name: name ?? '', type: parsed.type };
      const p = `${f.path}.questions.${f.questions.length}`;
      mapQuestion(p, r.row);
      if (checkName(name, r.row, `${p}.name`, 'question')) {
        claim(name!, r.row, `${p}.name`);
        questionNames.add(name!);
        seenNames.add(name!);
      }
      if (parsed.list !== undefined) {
        q.choiceList = parsed.list;
        if (parsed.fromFile) q.fromFile = true;
        if (parsed.orOther) q.orOther = true;
        run.map(`${p}.choiceList`, 'survey', r.row, colName('type'));
        const parameters = cell(r, 'parameters');
        selects.push({
          list: parsed.list,
          row: r.row,
          column: colName('type'),
          multiple: parsed.type === 'select_multiple',
          fromFile: !!parsed.fromFile,
          orOther: !!parsed.orOther,
          ...(parameters !== undefined ? { parameters } : {}),
        });
        if (!NAME_PATTERN.test(parsed.list))
          run.issue(
            {
              sheet: 'survey',
              row: r.row,
              column: colName('type'),
              code: 'BAD_NAME',
              message: `The ${parsed.fromFile ? 'file' : 'list'} name "${parsed.list}" is not valid.`,
            },
            `${p}.choiceList`,
          );
      }
      const text = (fld: SurveyField, key: keyof Question) => {
        const v = field(r, fld, loop);
        if (v === undefined) return undefined;
        run.map(`${p}.${key}`, 'survey', r.row, colName(fld));
        return v;
      };
      const set = <K extends keyof Question>(key: K, v: Question[K] | undefined) => {
        if (v !== undefined) q[key] = v;
      };
      set('label', text('label', 'label'));
      set('hint', text('hint', 'hint'));
      const translations = translationsOf(r, loop);
      if (translations) q.translations = translations;
      const required = field(r, 'required', loop);
      if (required !== undefined) {
        const b = bool(required);
        if (b === true) q.required = true;
        else if (b === undefined) q.required = required;
        if (b !== false) run.map(`${p}.required`, 'survey', r.row, colName('required'));
      }
      set('requiredMessage', text('required_message', 'requiredMessage'));
      set('relevant', text('relevant', 'relevant'));
      set('constraint', text('constraint', 'constraint'));
      set('constraintMessage', text('constraint_message', 'constraintMessage'));
      set('calculation', text('calculation', 'calculation'));
      const filter = text('choice_filter', 'choiceFilter');
      if (filter !== undefined) {
        if (parsed.list === undefined)
          run.warn({
            sheet: 'survey',
            row: r.row,
            column: colName('choice_filter'),
            code: 'COLUMN_IGNORED',
            message: 'choice_filter only applies to select questions; it was ignored here.',
          });
        else {
          q.choiceFilter = filter;
          const later = references(filter).filter((n) => !seenNames.has(n) && (allNames.has(n) || n === name));
          if (later.length)
            run.issue(
              {
                sheet: 'survey',
                row: r.row,
                column: colName('choice_filter'),
                code: 'FILTER_REFERENCES_LATER',
                message: `The choice_filter refers to ${later.map((n) => `\${${n}}`).join(', ')}, which ${later.length === 1 ? 'is' : 'are'} not answered before this question; a cascading select can only depend on earlier questions.`,
              },
              `${p}.choiceFilter`,
            );
        }
      }
      set('appearance', text('appearance', 'appearance'));
      set('parameters', text('parameters', 'parameters'));
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
      set('default', text('default', 'default'));
      if (cell(r, 'repeat_count') !== undefined)
        run.warn({
          sheet: 'survey',
          row: r.row,
          column: colName('repeat_count'),
          code: 'COLUMN_IGNORED',
          message: 'repeat_count only applies to begin repeat; it was ignored here.',
        });
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
      f.questions.push(q);
      if (q.orOther && name) {
        // pyxform's or_other: the text question for "other", right after the select.
        const otherName = `${name}_other`;
        const op = `${f.path}.questions.${f.questions.length}`;
        mapQuestion(op, r.row);
        if (checkName(otherName, r.row, `${op}.name`, 'or_other text question')) {
          claim(otherName, r.row, `${op}.name`);
          questionNames.add(otherName);
          seenNames.add(otherName);
        }
        f.questions.push(otherQuestion(q));
      }
    }
  };

  function mapQuestion(p: string, row: number) {
    run.map(p, 'survey', row);
    run.map(`${p}.name`, 'survey', row, colName('name'));
    run.map(`${p}.type`, 'survey', row, colName('type'));
  }

  /** `begin group`/`begin repeat`: a section at the top level, else a group/repeat question. */
  function openContainer(
    r: TableRow,
    kind: 'group' | 'repeat' | 'loop',
    name: string | undefined,
    loop: LoopContext[],
  ): Frame | undefined {
    const label = field(r, 'label', loop);
    const relevant = field(r, 'relevant', loop);
    const appearance = field(r, 'appearance', loop);
    const translations = translationsOf(r, loop, ['label']);
    const what = kind === 'loop' ? 'loop' : kind;
    warnIgnored(r, CONTAINER_IGNORED_FIELDS, what);
    for (const f of ['hint', 'constraint_message', 'required_message'] as const)
      for (const [, h] of translationCols.get(f) ?? [])
        if (r.cells.has(h.col))
          run.warn({
            sheet: 'survey',
            row: r.row,
            column: h.raw,
            code: 'GROUP_COLUMN_IGNORED',
            message: `"${h.raw}" on a ${what} is not supported by the registry and was ignored.`,
          });
    if (stack.length === 0 && kind === 'group') {
      implicit = null;
      const section: Section = { name: name ?? '', questions: [] };
      if (label !== undefined) section.label = label;
      if (translations) section.translations = translations as Section['translations'];
      if (relevant !== undefined) section.relevant = relevant;
      if (appearance !== undefined) section.appearance = appearance;
      const frame = newSection(section, r.row);
      const p = frame.path;
      run.map(`${p}.name`, 'survey', r.row, colName('name'));
      if (label !== undefined) run.map(`${p}.label`, 'survey', r.row, colName('label'));
      if (relevant !== undefined) run.map(`${p}.relevant`, 'survey', r.row, colName('relevant'));
      if (appearance !== undefined) run.map(`${p}.appearance`, 'survey', r.row, colName('appearance'));
      if (checkName(name, r.row, `${p}.name`, 'group') && claim(name!, r.row, `${p}.name`)) seenNames.add(name!);
      if (cell(r, 'repeat_count') !== undefined) warnIgnored(r, ['repeat_count'], 'group');
      stack.push(frame);
      return frame;
    }
    const f = container(r.row);
    const q: Question = { name: name ?? '', type: kind === 'repeat' ? 'repeat' : 'group', questions: [] };
    const p = `${f.path}.questions.${f.questions.length}`;
    mapQuestion(p, r.row);
    if (label !== undefined) {
      q.label = label;
      run.map(`${p}.label`, 'survey', r.row, colName('label'));
    }
    if (translations) q.translations = translations;
    if (relevant !== undefined) {
      q.relevant = relevant;
      run.map(`${p}.relevant`, 'survey', r.row, colName('relevant'));
    }
    if (appearance !== undefined) {
      q.appearance = appearance;
      run.map(`${p}.appearance`, 'survey', r.row, colName('appearance'));
    }
    const count = field(r, 'repeat_count', loop);
    if (count !== undefined && kind !== 'repeat') warnIgnored(r, ['repeat_count'], what);
    if (count !== undefined && kind === 'repeat') {
      q.repeatCount = count;
      run.map(`${p}.repeatCount`, 'survey', r.row, colName('repeat_count'));
      const n = Number(count);
      if (/^\s*\d+(\.\d+)?\s*$/.test(count) && n > MAX_REPEAT_INSTANCES)
        run.issue(
          {
            sheet: 'survey',
            row: r.row,
            column: colName('repeat_count'),
            code: 'REPEAT_COUNT_TOO_LARGE',
            message: `repeat_count is ${count}; a repeat may have at most ${MAX_REPEAT_INSTANCES} instances.`,
          },
          `${p}.repeatCount`,
        );
    }
    if (checkName(name, r.row, `${p}.name`, what)) {
      claim(name!, r.row, `${p}.name`);
      seenNames.add(name!);
    }
    f.questions.push(q);
    const frame: Frame = { kind: kind === 'repeat' ? 'repeat' : 'group', row: r.row, questions: q.questions!, path: p };
    if (name) frame.name = name;
    stack.push(frame);
    return frame;
  }

  process(0, table.rows.length, []);
  for (const b of stack)
    if (b.kind !== 'bad')
      run.issue({
        sheet: 'survey',
        row: b.row,
        column: colName('type'),
        code: 'UNCLOSED_GROUP',
        message: `This begin ${b.kind === 'section' ? 'group' : b.kind} has no matching end ${b.kind === 'section' ? 'group' : b.kind}.`,
      });
  checkRepeatCounts(run, sections);
  return out;
}

/** A repeat_count that reads one of the repeat's own questions can never be known: an error at its cell. */
function checkRepeatCounts(run: ImportRun, sections: Section[]) {
  const walk = (qs: Question[], path: string) =>
    qs.forEach((q, i) => {
      const p = `${path}.${i}`;
      if (q.type === 'repeat' && q.repeatCount) {
        const inside = new Set([q.name, ...allQuestions(q.questions ?? []).map((c) => c.name)]);
        const own = references(q.repeatCount).filter((n) => inside.has(n));
        if (own.length) {
          const at = run.sourceMap[`${p}.repeatCount`];
          run.issue(
            {
              sheet: 'survey',
              ...(at ? { row: at.row, column: at.column } : {}),
              code: 'REPEAT_COUNT_CYCLE',
              message: `repeat_count of "${q.name}" reads ${own.map((n) => `\${${n}}`).join(', ')}, answered inside the repeat itself: the count can never be known.`,
            },
            `${p}.repeatCount`,
          );
        }
      }
      if (q.questions) walk(q.questions, `${p}.questions`);
    });
  sections.forEach((s, i) => walk(s.questions, `sections.${i}.questions`));
}

export { ATTACHMENT_LIMITS };
export { allQuestions } from './xlsform-vocab.js';
export { exportXlsForm, exportXlsFormPackage, type XlsFormExport } from './xlsform-export.js';
