/**
 * The questionnaire engine: static analysis of a form, and a compiled form that computes visibility,
 * calculations and requiredness, and validates a set of answers. One module for the browser renderer
 * and the API's ingestion; everything that can be is worked out once in `compileForm`.
 */
import { isWellFormedNin, normalizePhone } from '../identity.js';
import { SAFE_FILE_NAME } from './media.js';
import {
  EvaluationLimitError,
  ExpressionError,
  MAX_EVALUATION_WORK,
  answerToValue,
  clockFor,
  evaluateWithScope,
  isCalendarDate,
  parseExpression,
  referencedFields,
  toBoolean,
  valueToAnswer,
  type EvalContext,
  type ExprValue,
  type Expr,
  type Scope,
} from './expression.js';
import {
  formSchema,
  type AnswerValue,
  type Answers,
  type FieldError,
  type FormSchema,
  type GeoPoint,
  type Question,
  type QuestionType,
} from './schema.js';

export type { EvalContext } from './expression.js';

/** Longest text answer accepted (characters). */
export const MAX_TEXT_LENGTH = 10_000;
/**
 * Work all the expressions of one `evaluate` or `validate` may do together (each one is also held to
 * MAX_EVALUATION_WORK): ten times the most one expression may do, so a form with many heavy
 * expressions cannot add up to a long stall either.
 */
export const MAX_FORM_EVALUATION_WORK = 10 * MAX_EVALUATION_WORK;

export interface FormState {
  /** Answers with every `calculate` filled in (in dependency order); answers of hidden questions removed. */
  values: Answers;
  /** Relevant questions inside relevant sections; notes included; calculate/metadata are never visible. */
  visibleQuestions: Set<string>;
  visibleSections: Set<string>;
  /** Visible questions whose `required` holds. */
  required: Set<string>;
}

export interface ValidationResult {
  valid: boolean;
  /**
   * Problems with the answers, by question name. `EVALUATION_LIMIT`: one of the question's
   * expressions (or its section's relevance, named by the section) needed more work than allowed.
   */
  errors: FieldError[];
  values: Answers;
}

export interface CompiledForm {
  form: FormSchema;
  /** Question names in form order (all types). */
  order: string[];
  /** For each question name, the name of its section. */
  sectionOf: ReadonlyMap<string, string>;
  evaluate(answers: Answers, ctx?: EvalContext): FormState;
  validate(answers: Answers, ctx?: EvalContext): ValidationResult;
}

export class FormInvalidError extends Error {
  issues: FieldError[];
  constructor(issues: FieldError[]) {
    super(
      `The questionnaire has ${issues.length} problem${issues.length === 1 ? '' : 's'}: ` +
        issues
          .slice(0, 3)
          .map((i) => `${i.field}: ${i.message}`)
          .join('; ') +
        (issues.length > 3 ? '; …' : ''),
    );
    this.name = 'FormInvalidError';
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------
// Analysis

const METADATA = new Set<QuestionType>(['start', 'end', 'deviceid']);
const SELECTS = new Set<QuestionType>(['select_one', 'select_multiple']);

interface Edge {
  to: number;
  /** Schema path of the expression that creates the dependency. */
  path: string;
  calculation: boolean;
}

interface Analysis {
  issues: FieldError[];
  /** Parsed expressions by schema path. */
  exprs: Map<string, Expr>;
  /** For each question (flat form order), the questions its relevance/calculation depends on. */
  deps: Edge[][];
}

const qPath = (s: number, q: number) => `sections.${s}.questions.${q}`;

function analyze(form: FormSchema): Analysis {
  const issues: FieldError[] = [];
  const exprs = new Map<string, Expr>();
  const deps: Edge[][] = [];

  const structure = formSchema.safeParse(form);
  if (!structure.success) {
    for (const i of structure.error.issues)
      issues.push({ field: i.path.map(String).join('.') || '(form)', code: 'SCHEMA_INVALID', message: i.message });
    return { issues, exprs, deps };
  }

  // Names: one namespace for questions and sections.
  const index = new Map<string, number>(); // question name → flat index
  const seen = new Map<string, string>(); // name → path where first defined
  const flat: { q: Question; s: number; j: number }[] = [];
  form.sections.forEach((section, s) => {
    const claim = (name: string, path: string, what: string) => {
      const first = seen.get(name);
      if (first !== undefined)
        issues.push({
          field: `${path}.name`,
          code: 'DUPLICATE_NAME',
          message: `The ${what} name '${name}' is already used at ${first}`,
        });
      else seen.set(name, path);
    };
    claim(section.name, `sections.${s}`, 'section');
    section.questions.forEach((q, j) => {
      claim(q.name, qPath(s, j), 'question');
      if (!index.has(q.name)) index.set(q.name, flat.length);
      flat.push({ q, s, j });
    });
  });

  // Choice lists.
  for (const [list, choices] of Object.entries(form.choiceLists)) {
    if (choices.length === 0)
      issues.push({
        field: `choiceLists.${list}`,
        code: 'CHOICE_LIST_EMPTY',
        message: `Choice list '${list}' is empty`,
      });
    const names = new Set<string>();
    choices.forEach((c, k) => {
      if (names.has(c.name))
        issues.push({
          field: `choiceLists.${list}.${k}.name`,
          code: 'DUPLICATE_CHOICE',
          message: `Choice '${c.name}' appears more than once in list '${list}'`,
        });
      names.add(c.name);
    });
  }

  // Expressions, references and per-type rules.
  const parse = (source: string, path: string, slot: string): Expr | undefined => {
    try {
      const e = parseExpression(source);
      exprs.set(path, e);
      return e;
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      issues.push({ field: path, code: 'EXPRESSION_INVALID', message: `Invalid ${slot} expression: ${err.message}` });
      return undefined;
    }
  };
  const checkRefs = (e: Expr, path: string, own: ReadonlySet<string>, ownWhat: string): string[] => {
    const known: string[] = [];
    for (const name of referencedFields(e)) {
      if (!index.has(name))
        issues.push({
          field: path,
          code: 'UNKNOWN_FIELD',
          message: seen.has(name)
            ? `\${${name}} is a section, not a question`
            : `\${${name}} does not name a question in this form`,
        });
      else if (own.has(name))
        issues.push({ field: path, code: 'SELF_REFERENCE', message: `\${${name}} refers to ${ownWhat}` });
      else known.push(name);
    }
    return known;
  };

  const sectionDeps: string[][] = form.sections.map((section, s) => {
    if (!section.relevant) return [];
    const path = `sections.${s}.relevant`;
    const e = parse(section.relevant, path, 'relevant');
    if (!e) return [];
    const inside = new Set(section.questions.map((q) => q.name));
    return checkRefs(
      e,
      path,
      inside,
      `a question inside section '${section.name}' (its relevance cannot depend on it)`,
    );
  });

  for (const { q, s, j } of flat) {
    const base = qPath(s, j);
    const own = new Set([q.name]);
    const ownWhat = `the question itself; use '.'`;
    const edges: Edge[] = [];
    const addEdges = (names: string[], path: string, calculation: boolean) => {
      for (const name of names) edges.push({ to: index.get(name)!, path, calculation });
    };
    addEdges(sectionDeps[s]!, `sections.${s}.relevant`, false);

    if (SELECTS.has(q.type)) {
      if (!q.choiceList)
        issues.push({
          field: `${base}.choiceList`,
          code: 'CHOICE_LIST_MISSING',
          message: `${q.type} '${q.name}' needs a choice list`,
        });
      else if (!Object.hasOwn(form.choiceLists, q.choiceList))
        issues.push({
          field: `${base}.choiceList`,
          code: 'CHOICE_LIST_MISSING',
          message: `Choice list '${q.choiceList}' does not exist`,
        });
    }
    if (q.type === 'calculate' && !q.calculation)
      issues.push({
        field: `${base}.calculation`,
        code: 'CALCULATION_MISSING',
        message: `calculate '${q.name}' has no calculation`,
      });

    if (q.relevant) {
      const e = parse(q.relevant, `${base}.relevant`, 'relevant');
      if (e) addEdges(checkRefs(e, `${base}.relevant`, own, ownWhat), `${base}.relevant`, false);
    }
    if (typeof q.required === 'string') {
      const e = parse(q.required, `${base}.required`, 'required');
      if (e) checkRefs(e, `${base}.required`, own, ownWhat);
    }
    if (q.constraint) {
      const e = parse(q.constraint, `${base}.constraint`, 'constraint');
      if (e) checkRefs(e, `${base}.constraint`, own, ownWhat);
    }
    if (q.calculation) {
      const e = parse(q.calculation, `${base}.calculation`, 'calculation');
      if (e) {
        const names = checkRefs(e, `${base}.calculation`, own, ownWhat);
        // Only a calculate's calculation decides its value (and so the order of evaluation).
        if (q.type === 'calculate') addEdges(names, `${base}.calculation`, true);
      }
    }
    deps.push(edges);
  }

  // Cycles: first among calculations alone, then through relevance.
  const names = flat.map((f) => f.q.name);
  const calcOnly = deps.map((edges, i) =>
    flat[i]!.q.type === 'calculate' ? edges.filter((e) => e.calculation && flat[e.to]!.q.type === 'calculate') : [],
  );
  const inCalcCycle = new Set<number>();
  for (const scc of cycles(calcOnly)) {
    for (const i of scc) inCalcCycle.add(i);
    const { path, field } = cyclePath(scc, calcOnly);
    issues.push({
      field,
      code: 'CIRCULAR_CALCULATION',
      message: `Calculations depend on each other in a cycle: ${path.map((i) => names[i]).join(' → ')}`,
    });
  }
  for (const scc of cycles(deps)) {
    if (scc.some((i) => inCalcCycle.has(i))) continue;
    const { path, field } = cyclePath(scc, deps);
    issues.push({
      field,
      code: 'CIRCULAR_DEPENDENCY',
      message: `Relevance and calculations depend on each other in a cycle: ${path.map((i) => names[i]).join(' → ')}`,
    });
  }
  return { issues, exprs, deps };
}

/** Strongly connected components with more than one node (Tarjan), each sorted by form order. */
function cycles(graph: Edge[][]): number[][] {
  const n = graph.length;
  const idx = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  // Iterative, so a long chain of dependencies cannot overflow the call stack.
  for (let root = 0; root < n; root++) {
    if (idx[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    idx[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length) {
      const frame = work[work.length - 1]!;
      const [v, k] = frame;
      const edges = graph[v]!;
      if (k < edges.length) {
        frame[1]++;
        const w = edges[k]!.to;
        if (idx[w] === -1) {
          idx[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, idx[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === idx[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1) out.push(scc.sort((a, b) => a - b));
      }
    }
  }
  return out.sort((a, b) => a[0]! - b[0]!);
}

/** A concrete cycle through the first node of an SCC (shortest, by BFS), and the path of its first edge. */
function cyclePath(scc: number[], graph: Edge[][]): { path: number[]; field: string } {
  const members = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<number, number>();
  const queue = [start];
  let last = -1;
  for (let h = 0; h < queue.length && last < 0; h++) {
    const v = queue[h]!;
    for (const e of graph[v]!) {
      if (!members.has(e.to)) continue;
      if (e.to === start) {
        last = v;
        break;
      }
      if (!prev.has(e.to)) {
        prev.set(e.to, v);
        queue.push(e.to);
      }
    }
  }
  const path = [start];
  for (let v = last; v !== start && v >= 0; v = prev.get(v)!) path.splice(1, 0, v);
  path.push(start);
  const next = path[1]!;
  const field = graph[start]!.find((e) => e.to === next)!.path;
  return { path, field };
}

/**
 * Every problem in a questionnaire, each with the schema path of where it is (e.g.
 * `sections.1.questions.3.relevant`, `choiceLists.yes_no`) and a stable code: SCHEMA_INVALID,
 * DUPLICATE_NAME, CHOICE_LIST_EMPTY, DUPLICATE_CHOICE, CHOICE_LIST_MISSING, CALCULATION_MISSING,
 * EXPRESSION_INVALID, UNKNOWN_FIELD, SELF_REFERENCE, CIRCULAR_CALCULATION, CIRCULAR_DEPENDENCY.
 */
export function analyzeForm(form: FormSchema): FieldError[] {
  return analyze(form).issues;
}

// ---------------------------------------------------------------------------------------------
// Compilation

interface CQuestion {
  name: string;
  type: QuestionType;
  section: number;
  relevant?: Expr;
  required: boolean | Expr;
  constraint?: Expr;
  constraintMessage: string;
  calculation?: Expr;
  choices?: ReadonlySet<string>;
  choiceList?: string;
  multi: boolean;
  /** Not shown, no answer expected from the user: calculate and metadata. */
  hidden: boolean;
  /** A name that plain objects inherit (`constructor`, `__proto__`…): read and write it with care. */
  inherited: boolean;
}
interface CSection {
  name: string;
  relevant?: Expr;
  questions: number[];
}

class FormScope implements Scope {
  current: ExprValue = '';
  constructor(
    private readonly index: ReadonlyMap<string, number>,
    readonly vals: ExprValue[],
    readonly todayDays: number,
    readonly nowDays: number,
  ) {}
  get(name: string): ExprValue {
    const i = this.index.get(name);
    return i === undefined ? '' : this.vals[i]!;
  }
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);
const INTEGER = /^\s*-?\d+\s*$/;
const DECIMAL = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

function read(answers: Answers, q: CQuestion): AnswerValue | undefined {
  return q.inherited && !Object.hasOwn(answers, q.name) ? undefined : answers[q.name];
}
function write(out: Answers, q: CQuestion, v: AnswerValue): void {
  if (q.inherited)
    Object.defineProperty(out, q.name, { value: v, enumerable: true, writable: true, configurable: true });
  else out[q.name] = v;
}
function isBlank(v: AnswerValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}
function listOf(v: AnswerValue): string[] | undefined {
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  return undefined;
}
function geoValid(v: AnswerValue): boolean {
  let lat: unknown, lng: unknown, acc: unknown;
  if (typeof v === 'string') {
    const parts = v.trim().split(/\s+/);
    if (parts.length < 2 || parts.length > 4 || parts.some((p) => !DECIMAL.test(p))) return false;
    [lat, lng, , acc] = parts.map(Number);
  } else if (v && typeof v === 'object' && !Array.isArray(v)) {
    ({ lat, lng, accuracy: acc } = v as GeoPoint);
  } else return false;
  return (
    typeof lat === 'number' &&
    typeof lng === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lng) &&
    lat >= -90 &&
    lat <= 90 &&
    lng >= -180 &&
    lng <= 180 &&
    (acc === undefined || (typeof acc === 'number' && Number.isFinite(acc) && acc >= 0))
  );
}

function fieldError(q: CQuestion, code: string, message: string): FieldError {
  return { field: q.name, code, message };
}

/** A type problem with a non-blank answer, or undefined. */
function typeError(q: CQuestion, v: AnswerValue): FieldError | undefined {
  if (typeof v === 'string' && v.length > MAX_TEXT_LENGTH)
    return fieldError(q, 'TOO_LONG', `The answer is longer than ${MAX_TEXT_LENGTH.toLocaleString('en')} characters`);
  switch (q.type) {
    case 'text':
      return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
        ? undefined
        : fieldError(q, 'TYPE', 'Expected text');
    case 'integer':
      return (typeof v === 'number' && Number.isSafeInteger(v)) ||
        (typeof v === 'string' && INTEGER.test(v) && Number.isSafeInteger(Number(v)))
        ? undefined
        : fieldError(q, 'TYPE', 'Expected a whole number');
    case 'decimal':
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && DECIMAL.test(v))
        ? undefined
        : fieldError(q, 'TYPE', 'Expected a number');
    case 'date':
      return typeof v === 'string' && isCalendarDate(v.trim())
        ? undefined
        : fieldError(q, 'TYPE', 'Expected a calendar date written YYYY-MM-DD');
    case 'select_one': {
      const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
      if (s !== undefined && q.choices!.has(s)) return undefined;
      return fieldError(q, 'CHOICE_INVALID', `${JSON.stringify(v)} is not a choice in list '${q.choiceList}'`);
    }
    case 'select_multiple': {
      const items = listOf(v);
      if (!items) return fieldError(q, 'CHOICE_INVALID', `Expected a list of choices from list '${q.choiceList}'`);
      const bad = items.filter((x) => !q.choices!.has(x));
      return bad.length
        ? fieldError(
            q,
            'CHOICE_INVALID',
            `${bad.map((b) => JSON.stringify(b)).join(', ')} not in list '${q.choiceList}'`,
          )
        : undefined;
    }
    case 'phone':
      return typeof v === 'string' && normalizePhone(v) !== null
        ? undefined
        : fieldError(q, 'PHONE_INVALID', 'Enter a Nigerian phone number, e.g. 0803 123 4567');
    case 'email':
      return typeof v === 'string' && v.length <= 254 && EMAIL.test(v.trim())
        ? undefined
        : fieldError(q, 'EMAIL_INVALID', 'Enter a valid email address');
    case 'nin':
      return (typeof v === 'string' || typeof v === 'number') && isWellFormedNin(String(v))
        ? undefined
        : fieldError(q, 'NIN_INVALID', 'A NIN is 11 digits');
    case 'geopoint':
      return geoValid(v)
        ? undefined
        : fieldError(q, 'GEOPOINT_INVALID', 'Expected a location: latitude -90…90, longitude -180…180, accuracy ≥ 0');
    case 'start':
    case 'end':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v))
        ? undefined
        : fieldError(q, 'TYPE', 'Expected a date-time');
    case 'deviceid':
      return typeof v === 'string' || typeof v === 'number' ? undefined : fieldError(q, 'TYPE', 'Expected text');
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      // The attachment's file name (sent beside the answers): no path, nothing a filesystem or URL reads twice.
      return typeof v === 'string' && SAFE_FILE_NAME.test(v)
        ? undefined
        : fieldError(q, 'FILE_NAME_INVALID', 'Expected a file name: letters, digits, ".", "_" or "-"');
    default:
      return undefined;
  }
}

/** The answer as it goes into `values`: select_multiple as a list, numeric strings of numbers as numbers. */
function normalized(q: CQuestion, v: AnswerValue): AnswerValue {
  if (q.multi && typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  if (typeof v === 'string') {
    if (q.type === 'integer' && INTEGER.test(v)) {
      const n = Number(v);
      return Number.isSafeInteger(n) ? n : v;
    }
    if (q.type === 'decimal' && DECIMAL.test(v)) return Number(v);
  }
  return v;
}

interface Run {
  state: FormState | undefined;
  work: Work;
  values: Answers;
  /** The answers as given, by question index. */
  raws: (AnswerValue | undefined)[];
  relevant: Uint8Array;
  required: Uint8Array;
  scope: FormScope;
}

type Slot = 'relevant' | 'calculation' | 'required' | 'constraint';

/** What one run (evaluate or validate) may still spend, and the limit errors it met. */
interface Work {
  left: number;
  /** Expressions that ran out of work (EVALUATION_LIMIT), at most one error per field. */
  errors: FieldError[];
  /** How many evaluations ran out of work (one field may have several). */
  failures: number;
}

/**
 * Evaluate `e` within both budgets: MAX_EVALUATION_WORK for this expression, and what is left of the
 * run's. Out of work: record an EVALUATION_LIMIT error for `field` and answer `fallback`.
 */
function bounded(e: Expr, scope: FormScope, work: Work, field: string, slot: Slot, fallback: ExprValue): ExprValue {
  const limit = Math.max(0, Math.min(MAX_EVALUATION_WORK, work.left));
  const budget = { left: limit };
  try {
    return evaluateWithScope(e, scope, budget);
  } catch (err) {
    if (!(err instanceof EvaluationLimitError)) throw err;
    work.failures++;
    if (!work.errors.some((x) => x.field === field))
      work.errors.push({
        field,
        code: 'EVALUATION_LIMIT',
        message:
          limit < MAX_EVALUATION_WORK
            ? `The questionnaire's expressions together need more work than one check may do (at its ${slot} expression)`
            : `The ${slot} expression needs more work than one evaluation may do: the answers or text it works on are too long`,
      });
    return fallback;
  } finally {
    work.left -= limit - Math.max(0, budget.left);
  }
}

/**
 * Compile a questionnaire once (parsed expressions, evaluation order, choice sets) for fast repeated
 * evaluation. Throws FormInvalidError with every issue when `analyzeForm` finds any.
 */
export function compileForm(form: FormSchema): CompiledForm {
  const analysis = analyze(form);
  if (analysis.issues.length) throw new FormInvalidError(analysis.issues);
  const { exprs, deps } = analysis;

  const questions: CQuestion[] = [];
  const sections: CSection[] = [];
  const index = new Map<string, number>();
  const sectionOf = new Map<string, string>();
  form.sections.forEach((section, s) => {
    const cs: CSection = { name: section.name, relevant: exprs.get(`sections.${s}.relevant`), questions: [] };
    sections.push(cs);
    section.questions.forEach((q, j) => {
      const base = qPath(s, j);
      const i = questions.length;
      cs.questions.push(i);
      index.set(q.name, i);
      sectionOf.set(q.name, section.name);
      const choices = q.choiceList ? form.choiceLists[q.choiceList] : undefined;
      questions.push({
        name: q.name,
        type: q.type,
        section: s,
        relevant: exprs.get(`${base}.relevant`),
        required: typeof q.required === 'string' ? exprs.get(`${base}.required`)! : q.required === true,
        constraint: exprs.get(`${base}.constraint`),
        constraintMessage: q.constraintMessage ?? 'The answer does not meet the condition for this question',
        calculation: q.type === 'calculate' ? exprs.get(`${base}.calculation`) : undefined,
        choices: SELECTS.has(q.type) && choices ? new Set(choices.map((c) => c.name)) : undefined,
        choiceList: q.choiceList,
        multi: q.type === 'select_multiple',
        hidden: q.type === 'calculate' || METADATA.has(q.type),
        inherited: q.name in Object.prototype,
      });
    });
  });
  const n = questions.length;

  // Evaluation order: dependencies first, otherwise form order (a stable topological sort).
  const order: number[] = [];
  {
    const pending = deps.map((edges) => new Set(edges.map((e) => e.to)).size);
    const dependents: number[][] = questions.map(() => []);
    deps.forEach((edges, i) => {
      for (const to of new Set(edges.map((e) => e.to))) dependents[to]!.push(i);
    });
    const done = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      let next = 0;
      while (done[next] || pending[next]! > 0) next++; // analysis guarantees there is no cycle
      done[next] = 1;
      order.push(next);
      for (const d of dependents[next]!) pending[d]!--;
    }
  }

  /**
   * Whether section `s` is shown, evaluating its relevance the first time it is asked. Relevance that
   * runs out of work shows the section (its questions then say what went wrong).
   */
  function sectionShown(s: number, state: Int8Array, scope: FormScope, work: Work): boolean {
    if (state[s] === 0) {
      const section = sections[s]!;
      const e = section.relevant;
      scope.current = '';
      state[s] = !e || toBoolean(bounded(e, scope, work, section.name, 'relevant', true)) ? 1 : -1;
    }
    return state[s] === 1;
  }

  /** Relevance, calculations, requiredness and values; the name sets only when `withSets`. */
  function run(answers: Answers, ctx: EvalContext | undefined, withSets: boolean): Run {
    const clock = clockFor(ctx);
    const vals = new Array<ExprValue>(n).fill('');
    const scope = new FormScope(index, vals, clock.todayDays, clock.nowDays);
    const relevant = new Uint8Array(n);
    const sectionState = new Int8Array(sections.length); // 0 unknown, 1 shown, -1 hidden
    const raws = new Array<AnswerValue | undefined>(n);
    for (let i = 0; i < n; i++) raws[i] = read(answers, questions[i]!);
    const work: Work = { left: MAX_FORM_EVALUATION_WORK, errors: [], failures: 0 };

    for (const i of order) {
      const q = questions[i]!;
      if (!sectionShown(q.section, sectionState, scope, work)) {
        if (q.multi) vals[i] = EMPTY_LIST;
        continue;
      }
      const raw = raws[i];
      if (q.relevant) {
        scope.current = answerToValue(raw, q.multi);
        if (!toBoolean(bounded(q.relevant, scope, work, q.name, 'relevant', true))) {
          if (q.multi) vals[i] = EMPTY_LIST;
          continue;
        }
      }
      relevant[i] = 1;
      if (q.calculation) {
        scope.current = answerToValue(raw);
        vals[i] = bounded(q.calculation, scope, work, q.name, 'calculation', '');
      } else if (q.type !== 'note') vals[i] = answerToValue(raw, q.multi);
    }

    const values: Answers = {};
    const required = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!relevant[i]) continue;
      const q = questions[i]!;
      if (q.type === 'calculate') {
        write(values, q, valueToAnswer(vals[i]!));
        continue;
      }
      if (q.type === 'note') continue;
      const raw = raws[i];
      if (raw !== undefined) write(values, q, normalized(q, raw));
      if (q.hidden) continue;
      if (typeof q.required === 'object') {
        scope.current = vals[i]!;
        if (toBoolean(bounded(q.required, scope, work, q.name, 'required', false))) required[i] = 1;
      } else if (q.required) required[i] = 1;
    }

    let state: FormState | undefined;
    if (withSets) {
      for (let s = 0; s < sections.length; s++) sectionShown(s, sectionState, scope, work); // sections without questions
      const visibleSections = new Set<string>();
      for (let s = 0; s < sections.length; s++) if (sectionState[s] === 1) visibleSections.add(sections[s]!.name);
      const visibleQuestions = new Set<string>();
      const requiredSet = new Set<string>();
      for (let i = 0; i < n; i++) {
        if (!relevant[i]) continue;
        const q = questions[i]!;
        if (q.hidden) continue;
        visibleQuestions.add(q.name);
        if (required[i]) requiredSet.add(q.name);
      }
      state = { values, visibleQuestions, visibleSections, required: requiredSet };
    }
    return { state, values, raws, relevant, required, scope, work };
  }

  return {
    form,
    order: questions.map((q) => q.name),
    sectionOf,
    evaluate(answers, ctx) {
      return run(answers, ctx, true).state!;
    },
    validate(answers, ctx) {
      const { values, raws, relevant, required, scope, work } = run(answers, ctx, false);
      const errors: FieldError[] = [];
      for (let i = 0; i < n; i++) {
        const q = questions[i]!;
        const raw = raws[i];
        if (q.type === 'note') {
          if (!isBlank(raw)) errors.push({ field: q.name, code: 'NOT_ANSWERABLE', message: 'A note takes no answer' });
          continue;
        }
        if (!relevant[i] || q.type === 'calculate') continue;
        if (isBlank(raw)) {
          if (required[i]) errors.push({ field: q.name, code: 'REQUIRED', message: 'An answer is required' });
          continue;
        }
        const problem = typeError(q, raw!);
        if (problem) {
          errors.push(problem);
          continue;
        }
        if (q.constraint) {
          scope.current = scope.vals[i]!;
          const failures = work.failures;
          const holds = toBoolean(bounded(q.constraint, scope, work, q.name, 'constraint', false));
          if (!holds && work.failures === failures)
            errors.push({ field: q.name, code: 'CONSTRAINT', message: q.constraintMessage });
        }
      }
      // Expressions that ran out of work: the answers cannot be judged, so they are not valid.
      errors.push(...work.errors);
      for (const key of Object.keys(answers))
        if (!index.has(key))
          errors.push({ field: key, code: 'UNKNOWN_FIELD', message: `'${key}' is not a question in this form` });
      return { valid: errors.length === 0, errors, values };
    },
  };
}
