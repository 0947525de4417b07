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
  NodeSet,
  answerToValue,
  clockFor,
  evaluateWithScope,
  filterChoices,
  isCalendarDate,
  parseExpression,
  referencedFields,
  toBoolean,
  toNumber,
  valueToAnswer,
  walkExpr,
  type ChoiceSource,
  type EvalContext,
  type ExprValue,
  type Expr,
  type Scope,
} from './expression.js';
import {
  CONTAINER_TYPES,
  MAX_REPEAT_INSTANCES,
  METADATA_TYPES,
  SELECT_TYPES,
  formSchema,
  type AnswerValue,
  type Choice,
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
/**
 * Instances all the repeats of one `evaluate` or `validate` may have together: nested repeats multiply
 * (500 plots × 500 crops), so the whole form is capped too. Beyond it no instance is made, and
 * validation refuses the answers (REPEAT_TOO_MANY).
 */
export const MAX_FORM_REPEAT_INSTANCES = 10 * MAX_REPEAT_INSTANCES;

/** One instance of a repeat: its own answers, visibility, requiredness, filtered choices and nested repeats. */
export interface InstanceState {
  /** The instance's answers (keyed by the repeat's children's names), calculations filled in. */
  values: Answers;
  visibleQuestions: Set<string>;
  required: Set<string>;
  /** For each visible select with a `choiceFilter`: the names of the choices offered, in list order. */
  choices: Record<string, string[]>;
  /** Relevant repeats nested in this instance. */
  repeats: Record<string, RepeatState>;
}

/** A relevant repeat: how many instances (fixed by `repeatCount`, else null) and each instance's state. */
export interface RepeatState {
  /** Fixed by `repeatCount` (capped at MAX_REPEAT_INSTANCES); null: the person adds and removes instances. */
  count: number | null;
  instances: InstanceState[];
}

export interface FormState {
  /** Answers with every `calculate` filled in (in dependency order); answers of hidden questions removed. */
  values: Answers;
  /**
   * Relevant questions inside relevant sections (outside repeats); notes, groups and repeats included;
   * calculate/metadata are never visible.
   */
  visibleQuestions: Set<string>;
  visibleSections: Set<string>;
  /** Visible questions whose `required` holds. */
  required: Set<string>;
  /** Every relevant repeat outside any repeat (nested ones are in their instances). */
  repeats: Record<string, RepeatState>;
  /**
   * For every visible select with a `choiceFilter` (outside repeats): the names of the choices offered,
   * in list order. Questions without a filter are absent (they offer their whole list).
   */
  choices: Record<string, string[]>;
}

export interface ValidationResult {
  valid: boolean;
  /**
   * Problems with the answers, by question name (inside a repeat `<repeat>[<n>].<name>`, n from 1):
   * REQUIRED, TYPE, TOO_LONG, CHOICE_INVALID, CHOICE_FILTERED (not offered by the choice filter),
   * PHONE_INVALID, EMAIL_INVALID, NIN_INVALID, GEOPOINT_INVALID, FILE_NAME_INVALID (media), CONSTRAINT,
   * NOT_ANSWERABLE (a note or group), UNKNOWN_FIELD, REPEAT_COUNT (not the repeat count's number of
   * instances), REPEAT_TOO_MANY (above MAX_REPEAT_INSTANCES, or the form's MAX_FORM_REPEAT_INSTANCES).
   * `EVALUATION_LIMIT`: one of the question's expressions (or its section's relevance, named by the
   * section) needed more work than allowed.
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
  /** Every question by name (children of groups and repeats included). */
  questionByName: ReadonlyMap<string, Question>;
  /** For each question inside a repeat: the name of its innermost repeat. */
  parentRepeat: ReadonlyMap<string, string>;
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

const METADATA = new Set<QuestionType>(METADATA_TYPES);
const SELECTS = new Set<QuestionType>(SELECT_TYPES);
const CONTAINERS = new Set<QuestionType>(CONTAINER_TYPES);

interface Edge {
  to: number;
  /** Schema path of the expression that creates the dependency. */
  path: string;
  calculation: boolean;
}

/** One question (or group/repeat) of the form, in form order, children after their container. */
interface FlatQuestion {
  q: Question;
  /** Section index. */
  s: number;
  /** Schema path, e.g. `sections.1.questions.3.questions.0`. */
  path: string;
  /** Flat index of the group/repeat that holds it, or -1. */
  parent: number;
  /** Flat indexes of the repeats it is inside, outermost first. */
  chain: number[];
}

interface Analysis {
  issues: FieldError[];
  /** Parsed expressions by schema path. */
  exprs: Map<string, Expr>;
  /** Every question, children included, in form order. */
  flat: FlatQuestion[];
  /**
   * For each question (flat form order), what its relevance/calculation/repeat count depends on, lifted
   * to the level both share: a question inside a repeat stands for its repeat outside it, so every
   * edge joins two questions evaluated in the same instance (or both outside any repeat).
   */
  deps: Edge[][];
}

/** Every question of the form in form order, with its section, schema path, container and repeats. */
function flatten(form: FormSchema): FlatQuestion[] {
  const flat: FlatQuestion[] = [];
  const walk = (qs: readonly Question[], s: number, base: string, parent: number, chain: number[]) => {
    qs.forEach((q, j) => {
      const i = flat.length;
      const path = `${base}.questions.${j}`;
      flat.push({ q, s, path, parent, chain });
      if (q.questions) walk(q.questions, s, path, i, q.type === 'repeat' ? [...chain, i] : chain);
    });
  };
  form.sections.forEach((section, s) => walk(section.questions, s, `sections.${s}`, -1, []));
  return flat;
}

/** How many leading repeats two chains share. */
function shared(a: readonly number[], b: readonly number[]): number {
  let m = 0;
  while (m < a.length && m < b.length && a[m] === b[m]) m++;
  return m;
}

function analyze(form: FormSchema): Analysis {
  const issues: FieldError[] = [];
  const exprs = new Map<string, Expr>();
  const deps: Edge[][] = [];

  const structure = formSchema.safeParse(form);
  if (!structure.success) {
    for (const i of structure.error.issues)
      issues.push({ field: i.path.map(String).join('.') || '(form)', code: 'SCHEMA_INVALID', message: i.message });
    return { issues, exprs, flat: [], deps };
  }
  const flat = flatten(form);

  // Names: one namespace for questions (children included) and sections.
  const index = new Map<string, number>(); // question name → flat index
  const seen = new Map<string, string>(); // name → path where first defined
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
  let next = 0;
  form.sections.forEach((section, s) => {
    claim(section.name, `sections.${s}`, 'section');
    for (; next < flat.length && flat[next]!.s === s; next++) {
      const { q, path } = flat[next]!;
      claim(q.name, path, CONTAINERS.has(q.type) ? q.type : 'question');
      if (!index.has(q.name)) index.set(q.name, next);
    }
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
  const hasList = (name: string) => Object.hasOwn(form.choiceLists, name);

  // Expressions, references and per-type rules.
  const parse = (source: string, path: string, slot: string, columns = false): Expr | undefined => {
    try {
      const e = parseExpression(source, { columns });
      exprs.set(path, e);
      lookups(e, path);
      return e;
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      issues.push({ field: path, code: 'EXPRESSION_INVALID', message: `Invalid ${slot} expression: ${err.message}` });
      return undefined;
    }
  };
  /** instance('list'), pulldata('file', …) and jr:choice-name(…, '${q}') must name what exists. */
  const lookups = (e: Expr, path: string) =>
    walkExpr(e, (x) => {
      if (x.kind === 'lookup' && !hasList(x.list))
        issues.push({
          field: path,
          code: 'CHOICE_LIST_MISSING',
          message: `instance('${x.list}'): no such choice list`,
        });
      if (x.kind !== 'call') return;
      const literal = x.args[x.name === 'pulldata' ? 0 : 1];
      if (
        x.name === 'pulldata' &&
        literal?.kind === 'string' &&
        !hasList(`${literal.value}.csv`) &&
        !hasList(literal.value)
      )
        issues.push({
          field: path,
          code: 'CHOICE_LIST_MISSING',
          message: `pulldata('${literal.value}', …): no attached file '${literal.value}.csv'`,
        });
      if (x.name === 'jr:choice-name' && literal?.kind === 'string') {
        const name = /^\$\{(.+)\}$/.exec(literal.value.trim())?.[1] ?? literal.value.trim();
        const target = index.get(name);
        if (target === undefined || !SELECTS.has(flat[target]!.q.type))
          issues.push({
            field: path,
            code: 'UNKNOWN_FIELD',
            message: `jr:choice-name(…, '${literal.value}'): '${name}' is not a select question in this form`,
          });
      }
    });
  const checkRefs = (e: Expr, path: string, own: ReadonlySet<string>, ownWhat: string): number[] => {
    const known: number[] = [];
    for (const name of referencedFields(e)) {
      const i = index.get(name);
      if (i === undefined)
        issues.push({
          field: path,
          code: 'UNKNOWN_FIELD',
          message: seen.has(name)
            ? `\${${name}} is a section, not a question`
            : `\${${name}} does not name a question in this form`,
        });
      else if (own.has(name))
        issues.push({ field: path, code: 'SELF_REFERENCE', message: `\${${name}} refers to ${ownWhat}` });
      else if (flat[i]!.q.type === 'group')
        issues.push({
          field: path,
          code: 'UNKNOWN_FIELD',
          message: `\${${name}} is a group, not a question: refer to the questions inside it`,
        });
      else known.push(i);
    }
    return known;
  };
  /** Names of a container's questions, at any depth. */
  const inside = (questions: readonly Question[] | undefined, out = new Set<string>()): Set<string> => {
    for (const q of questions ?? []) {
      out.add(q.name);
      inside(q.questions, out);
    }
    return out;
  };

  const sectionDeps: number[][] = form.sections.map((section, s) => {
    if (!section.relevant) return [];
    const path = `sections.${s}.relevant`;
    const e = parse(section.relevant, path, 'relevant');
    if (!e) return [];
    return checkRefs(
      e,
      path,
      inside(section.questions),
      `a question inside section '${section.name}' (its relevance cannot depend on it)`,
    );
  });

  flat.forEach(({ q, s, path: base, parent, chain }, self) => {
    const edges: Edge[] = [];
    /** A dependency on question `to`, lifted to the level `self` and `to` share (see Analysis.deps). */
    const addEdges = (targets: number[], path: string, calculation: boolean) => {
      for (const target of targets) {
        const other = flat[target]!.chain;
        const m = shared(chain, other);
        const from = chain.length > m ? chain[m]! : self;
        const to = other.length > m ? other[m]! : target;
        if (from !== to) (from === self ? edges : deps[from]!).push({ to, path, calculation });
      }
    };
    deps.push(edges);
    const own = new Set([q.name]);
    const ownWhat = `the question itself; use '.'`;
    if (chain.length === 0) addEdges(sectionDeps[s]!, `sections.${s}.relevant`, false);
    // A group's relevance hides its questions: they are decided after it.
    if (parent >= 0 && flat[parent]!.q.type === 'group')
      edges.push({ to: parent, path: `${base}`, calculation: false });

    if (SELECTS.has(q.type)) {
      if (!q.choiceList)
        issues.push({
          field: `${base}.choiceList`,
          code: 'CHOICE_LIST_MISSING',
          message: `${q.type} '${q.name}' needs a choice list`,
        });
      else if (!hasList(q.choiceList))
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
    if (q.questions && !CONTAINERS.has(q.type))
      issues.push({
        field: `${base}.questions`,
        code: 'NOT_A_CONTAINER',
        message: `${q.type} '${q.name}' cannot hold questions (only group and repeat can)`,
      });
    if (q.repeatCount && q.type !== 'repeat')
      issues.push({
        field: `${base}.repeatCount`,
        code: 'NOT_A_REPEAT',
        message: `'${q.name}' is a ${q.type}: only a repeat has a repeat count`,
      });

    const children = CONTAINERS.has(q.type) ? inside(q.questions) : undefined;
    if (q.relevant) {
      const path = `${base}.relevant`;
      const e = parse(q.relevant, path, 'relevant');
      if (e) {
        const refs = children
          ? checkRefs(
              e,
              path,
              new Set([q.name, ...children]),
              `a question inside ${q.type} '${q.name}' (its relevance cannot depend on it)`,
            )
          : checkRefs(e, path, own, ownWhat);
        addEdges(refs, path, false);
      }
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
    if (q.repeatCount && q.type === 'repeat') {
      const path = `${base}.repeatCount`;
      const e = parse(q.repeatCount, path, 'repeat count');
      if (e)
        addEdges(
          checkRefs(
            e,
            path,
            new Set([q.name, ...children!]),
            `a question inside repeat '${q.name}' (the number of instances cannot depend on them)`,
          ),
          path,
          false,
        );
    }
    if (q.choiceFilter) {
      const path = `${base}.choiceFilter`;
      const e = parse(q.choiceFilter, path, 'choice filter', true);
      if (!SELECTS.has(q.type))
        issues.push({
          field: path,
          code: 'NOT_A_SELECT',
          message: `'${q.name}' is a ${q.type}: only a select has a choice filter`,
        });
      if (e)
        for (const target of checkRefs(e, path, own, ownWhat))
          if (target > self)
            issues.push({
              field: path,
              code: 'CHOICE_FILTER_LATER',
              message: `The choice filter of '${q.name}' uses \${${flat[target]!.q.name}}, which comes later in the form: a filter may only use questions asked before it`,
            });
    }
  });

  // Cycles: first among calculations alone, then through relevance and repeat counts.
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
    const { path, field: first } = cyclePath(scc, deps);
    // A cycle through a repeat count is named by it (the count is what cannot be worked out).
    const viaCount = path
      .slice(1)
      .map((to, k) => deps[path[k]!]!.find((e) => e.to === to && e.path.endsWith('.repeatCount')))
      .find((e) => e !== undefined);
    const field = viaCount?.path ?? first;
    const through = field.endsWith('.repeatCount')
      ? 'A repeat count, relevance and calculations'
      : 'Relevance and calculations';
    issues.push({
      field,
      code: 'CIRCULAR_DEPENDENCY',
      message: `${through} depend on each other in a cycle: ${path.map((i) => names[i]).join(' → ')}`,
    });
  }
  return { issues, exprs, flat, deps };
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
 * NOT_A_CONTAINER, NOT_A_REPEAT, NOT_A_SELECT, EXPRESSION_INVALID, UNKNOWN_FIELD, SELF_REFERENCE,
 * CHOICE_FILTER_LATER, CIRCULAR_CALCULATION, CIRCULAR_DEPENDENCY.
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
  /** The level (0: outside repeats; else one per repeat) it is evaluated in, and its index there. */
  level: number;
  li: number;
  /** Repeats it is inside (flat indexes), outermost first. */
  chain: readonly number[];
  /** Local index of the group holding it in the same level, or -1. */
  groupLi: number;
  relevant?: Expr;
  required: boolean | Expr;
  constraint?: Expr;
  constraintMessage: string;
  calculation?: Expr;
  choices?: ReadonlySet<string>;
  choiceList?: string;
  choiceItems?: readonly Choice[];
  choiceFilter?: Expr;
  repeatCount?: Expr;
  /** For a repeat: the level of its instances. */
  childLevel: number;
  multi: boolean;
  /** Not shown, no answer expected from the user: calculate and metadata. */
  hidden: boolean;
  /** A name that plain objects inherit (`constructor`, `__proto__`…): read and write it with care. */
  inherited: boolean;
}
interface CSection {
  name: string;
  relevant?: Expr;
}
/** The questions evaluated together: those outside any repeat (level 0), or one repeat's instance. */
interface CLevel {
  id: number;
  /** Flat index of the repeat, -1 for level 0. */
  repeat: number;
  /** Repeats around it, outermost first (its own last). */
  chain: readonly number[];
  /** Flat indexes of its questions (groups and nested repeats included, their children not), form order. */
  members: number[];
  /** Local indexes in evaluation order. */
  order: number[];
}

/** One evaluation of a level: outside repeats, or one instance. */
interface LevelRun {
  level: CLevel;
  scope: LevelScope;
  /** Error field prefix: '' outside repeats, `hh[2].` inside the second instance of `hh`. */
  prefix: string;
  /** The answers as given, by local index, and the object they came from. */
  raws: (AnswerValue | undefined)[];
  answers: Answers;
  relevant: Uint8Array;
  required: Uint8Array;
  values: Answers;
  /** Filtered choices of selects with a choice filter, by local index. */
  filtered: (readonly Choice[] | undefined)[];
  /** Repeats of this level, by local index. */
  repeats: (RepeatRun | undefined)[];
}
interface RepeatRun {
  /** Fixed by repeat_count (capped), or null. */
  count: number | null;
  /** What repeat_count asked for (may be above MAX_REPEAT_INSTANCES). */
  requested: number;
  /** Instances left out because the form's repeats together reached MAX_FORM_REPEAT_INSTANCES. */
  truncated: boolean;
  instances: LevelRun[];
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);
const EMPTY_SET = new NodeSet([]);
const INTEGER = /^\s*-?\d+\s*$/;
const DECIMAL = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function read(answers: Answers, q: CQuestion): AnswerValue | undefined {
  return q.inherited && !Object.hasOwn(answers, q.name) ? undefined : answers[q.name];
}
function write(out: Answers, q: CQuestion, v: AnswerValue): void {
  if (q.inherited) put(out, q.name, v);
  else out[q.name] = v;
}
/** Set an own property, even one named like Object.prototype's (`__proto__`, `constructor`). */
function put<T>(out: Record<string, T>, name: string, v: T): void {
  Object.defineProperty(out, name, { value: v, enumerable: true, writable: true, configurable: true });
}
function isBlank(v: AnswerValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}
function isPlainObject(v: unknown): v is Answers {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
function isDateTime(v: AnswerValue): boolean {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v.trim());
  return m !== null && isCalendarDate(m[1]!) && !Number.isNaN(Date.parse(v));
}

/** A type problem with a non-blank answer: [code, message], or undefined. */
function typeError(q: CQuestion, v: AnswerValue): [string, string] | undefined {
  if (typeof v === 'string' && v.length > MAX_TEXT_LENGTH)
    return ['TOO_LONG', `The answer is longer than ${MAX_TEXT_LENGTH.toLocaleString('en')} characters`];
  const text = typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
  switch (q.type) {
    case 'text':
    case 'barcode':
    case 'deviceid':
    case 'username':
    case 'phonenumber':
      return text ? undefined : ['TYPE', 'Expected text'];
    case 'integer':
      return (typeof v === 'number' && Number.isSafeInteger(v)) ||
        (typeof v === 'string' && INTEGER.test(v) && Number.isSafeInteger(Number(v)))
        ? undefined
        : ['TYPE', 'Expected a whole number'];
    case 'decimal':
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && DECIMAL.test(v))
        ? undefined
        : ['TYPE', 'Expected a number'];
    case 'date':
    case 'today':
      return typeof v === 'string' && isCalendarDate(v.trim())
        ? undefined
        : ['TYPE', 'Expected a calendar date written YYYY-MM-DD'];
    case 'time':
      return typeof v === 'string' && TIME.test(v.trim())
        ? undefined
        : ['TYPE', 'Expected a time written HH:MM or HH:MM:SS'];
    case 'datetime':
      return isDateTime(v) ? undefined : ['TYPE', 'Expected a date and time written YYYY-MM-DDTHH:MM (ISO 8601)'];
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return typeof v === 'string' && SAFE_FILE_NAME.test(v)
        ? undefined
        : ['FILE_NAME_INVALID', 'Expected the file name of an attachment: letters, digits, . _ - (at most 128)'];
    case 'select_one': {
      const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
      if (s !== undefined && q.choices!.has(s)) return undefined;
      return ['CHOICE_INVALID', `${JSON.stringify(v)} is not a choice in list '${q.choiceList}'`];
    }
    case 'select_multiple': {
      const items = listOf(v);
      if (!items) return ['CHOICE_INVALID', `Expected a list of choices from list '${q.choiceList}'`];
      const bad = items.filter((x) => !q.choices!.has(x));
      return bad.length
        ? ['CHOICE_INVALID', `${bad.map((b) => JSON.stringify(b)).join(', ')} not in list '${q.choiceList}'`]
        : undefined;
    }
    case 'phone':
      return typeof v === 'string' && normalizePhone(v) !== null
        ? undefined
        : ['PHONE_INVALID', 'Enter a Nigerian phone number, e.g. 0803 123 4567'];
    case 'email':
      return typeof v === 'string' && v.length <= 254 && EMAIL.test(v.trim())
        ? undefined
        : ['EMAIL_INVALID', 'Enter a valid email address'];
    case 'nin':
      return (typeof v === 'string' || typeof v === 'number') && isWellFormedNin(String(v))
        ? undefined
        : ['NIN_INVALID', 'A NIN is 11 digits'];
    case 'geopoint':
      return geoValid(v)
        ? undefined
        : ['GEOPOINT_INVALID', 'Expected a location: latitude -90…90, longitude -180…180, accuracy ≥ 0'];
    case 'start':
    case 'end':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : ['TYPE', 'Expected a date-time'];
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

type Slot = 'relevant' | 'calculation' | 'required' | 'constraint' | 'repeat count' | 'choice filter';

/** What one run (evaluate or validate) may still spend, and the limit errors it met. */
interface Work {
  left: number;
  /** Expressions that ran out of work (EVALUATION_LIMIT), at most one error per field. */
  errors: FieldError[];
  /** How many evaluations ran out of work (one field may have several). */
  failures: number;
  /** Repeat instances made so far (at most MAX_FORM_REPEAT_INSTANCES). */
  instances: number;
}

/**
 * Evaluate `e` (or filter `list` by it) within both budgets: MAX_EVALUATION_WORK for this expression, and
 * what is left of the run's. Out of work: record an EVALUATION_LIMIT error for the field `prefix + name`
 * and answer `fallback`.
 */
function bounded(
  work: Work,
  prefix: string,
  name: string,
  slot: Slot,
  fallback: ExprValue,
  e: Expr,
  scope: Scope,
): ExprValue {
  const limit = Math.max(0, Math.min(MAX_EVALUATION_WORK, work.left));
  const budget = { left: limit };
  try {
    return evaluateWithScope(e, scope, budget);
  } catch (err) {
    outOfWork(err, work, prefix + name, slot, limit);
    return fallback;
  } finally {
    work.left -= limit - Math.max(0, budget.left);
  }
}

/** `filterChoices` within the budgets, as `bounded`; out of work, the whole list. */
function boundedFilter(work: Work, prefix: string, name: string, list: readonly Choice[], e: Expr, scope: Scope) {
  const limit = Math.max(0, Math.min(MAX_EVALUATION_WORK, work.left));
  const budget = { left: limit };
  try {
    return filterChoices(list, e, scope, budget);
  } catch (err) {
    outOfWork(err, work, prefix + name, 'choice filter', limit);
    return list;
  } finally {
    work.left -= limit - Math.max(0, budget.left);
  }
}

/** Record an EVALUATION_LIMIT error for `field` (once); rethrow anything else. */
function outOfWork(err: unknown, work: Work, field: string, slot: Slot, limit: number): void {
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
}

/** Where the compiled form's scopes look names up. */
interface Names {
  index: ReadonlyMap<string, number>;
  byName: ReadonlyMap<string, CQuestion>;
  questions: readonly CQuestion[];
  lists: ChoiceSource;
}

/**
 * The values of one level run. `${name}` of the same level reads its value; of an enclosing level, that
 * level's (the instance's parents); of a question inside a repeat below, the node-set of its values in
 * every instance (aggregates: sum, count, max, min).
 */
class LevelScope implements Scope {
  current: ExprValue = '';
  private readonly byName: ReadonlyMap<string, CQuestion>;
  private readonly levelId: number;
  /** Instances of this level's repeats so far, by local index (indexed-repeat reads earlier ones). */
  readonly instances: (LevelRun[] | undefined)[] = [];
  constructor(
    private readonly names: Names,
    readonly level: CLevel,
    readonly vals: ExprValue[],
    readonly parent: LevelScope | null,
    readonly position: number,
    readonly todayDays: number,
    readonly nowDays: number,
    readonly offsetDays: number,
  ) {
    this.byName = names.byName;
    this.levelId = level.id;
  }
  get lists(): ChoiceSource {
    return this.names.lists;
  }
  get(name: string): ExprValue {
    const q = this.byName.get(name);
    if (q === undefined) return '';
    return q.level === this.levelId ? this.vals[q.li]! : this.resolve(q);
  }
  /** The run of the enclosing level `depth` repeats deep (this one or a parent). */
  private up(depth: number): LevelScope {
    return this.level.chain.length > depth ? this.parent!.up(depth) : this;
  }
  private resolve(q: CQuestion): ExprValue {
    const m = shared(q.chain, this.level.chain);
    const s = this.up(m);
    if (q.chain.length === m) return s.vals[q.li]!;
    const out: ExprValue[] = [];
    s.collect(q, m, out);
    return new NodeSet(out);
  }
  /** The values of `q` (inside the repeat `q.chain[m]` of this level) in every instance. */
  private collect(q: CQuestion, m: number, out: ExprValue[]): void {
    const repeat = this.names.questions[q.chain[m]!]!;
    for (const inst of this.instances[repeat.li] ?? []) {
      if (q.chain.length > m + 1) inst.scope.collect(q, m + 1, out);
      else {
        const v = inst.scope.vals[q.li]!;
        if (v instanceof NodeSet) out.push(...v.items);
        else out.push(v);
      }
    }
  }
  indexed(child: string, path: readonly { repeat: string; n: number }[]): ExprValue {
    const { index, questions } = this.names;
    let scope: LevelScope | undefined;
    for (const { repeat, n } of path) {
      const r = index.get(repeat);
      const rq = r === undefined ? undefined : questions[r];
      if (!rq || rq.type !== 'repeat' || !Number.isInteger(n) || n < 1) return '';
      if (!scope) {
        const m = shared(rq.chain, this.level.chain);
        if (rq.chain.length !== m) return ''; // not a repeat around (or beside) this one
        scope = this.up(m);
      } else if (rq.level !== scope.level.id) return '';
      scope = scope.instances[rq.li]?.[n - 1]?.scope;
      if (!scope) return '';
    }
    return scope ? scope.get(child) : '';
  }
}

/**
 * Compile a questionnaire once (parsed expressions, evaluation order, choice sets) for fast repeated
 * evaluation. Throws FormInvalidError with every issue when `analyzeForm` finds any.
 */
export function compileForm(form: FormSchema): CompiledForm {
  const analysis = analyze(form);
  if (analysis.issues.length) throw new FormInvalidError(analysis.issues);
  const { exprs, deps, flat } = analysis;

  const sections: CSection[] = form.sections.map((section, s) => ({
    name: section.name,
    relevant: exprs.get(`sections.${s}.relevant`),
  }));
  const levels: CLevel[] = [{ id: 0, repeat: -1, chain: [], members: [], order: [] }];
  const levelOfRepeat = new Map<number, number>();
  const questions: CQuestion[] = [];
  const index = new Map<string, number>();
  const sectionOf = new Map<string, string>();
  const questionByName = new Map<string, Question>();
  const parentRepeat = new Map<string, string>();
  flat.forEach(({ q, s, path: base, parent, chain }, i) => {
    const level = chain.length ? levelOfRepeat.get(chain[chain.length - 1]!)! : 0;
    const members = levels[level]!.members;
    let childLevel = -1;
    if (q.type === 'repeat') {
      childLevel = levels.length;
      levelOfRepeat.set(i, childLevel);
      levels.push({ id: childLevel, repeat: i, chain: [...chain, i], members: [], order: [] });
    }
    const list = q.choiceList && SELECTS.has(q.type) ? form.choiceLists[q.choiceList] : undefined;
    const container = parent >= 0 ? questions[parent]! : undefined;
    questions.push({
      name: q.name,
      type: q.type,
      section: s,
      level,
      li: members.length,
      chain,
      groupLi: container?.type === 'group' ? container.li : -1,
      relevant: exprs.get(`${base}.relevant`),
      required: typeof q.required === 'string' ? exprs.get(`${base}.required`)! : q.required === true,
      constraint: exprs.get(`${base}.constraint`),
      constraintMessage: q.constraintMessage ?? 'The answer does not meet the condition for this question',
      calculation: q.type === 'calculate' ? exprs.get(`${base}.calculation`) : undefined,
      choices: list ? new Set(list.map((c) => c.name)) : undefined,
      choiceList: q.choiceList,
      choiceItems: list,
      choiceFilter: list ? exprs.get(`${base}.choiceFilter`) : undefined,
      repeatCount: exprs.get(`${base}.repeatCount`),
      childLevel,
      multi: q.type === 'select_multiple',
      hidden: q.type === 'calculate' || METADATA.has(q.type),
      inherited: q.name in Object.prototype,
    });
    members.push(i);
    index.set(q.name, i);
    sectionOf.set(q.name, form.sections[s]!.name);
    questionByName.set(q.name, q);
    if (chain.length) parentRepeat.set(q.name, flat[chain[chain.length - 1]!]!.q.name);
  });
  const names: Names = {
    index,
    byName: new Map(questions.map((q) => [q.name, q])),
    questions,
    lists: {
      list: (name) => (Object.hasOwn(form.choiceLists, name) ? form.choiceLists[name] : undefined),
      listOf: (name) => questionByName.get(name)?.choiceList,
    },
  };

  // Evaluation order in each level: dependencies first, otherwise form order (a stable topological sort).
  // Every edge joins two questions of the same level (see Analysis.deps).
  for (const level of levels) {
    const n = level.members.length;
    const local = (i: number) => questions[i]!.li;
    const pending = new Array<number>(n).fill(0);
    const dependents: number[][] = level.members.map(() => []);
    level.members.forEach((i, li) => {
      const targets = new Set(deps[i]!.map((e) => e.to));
      pending[li] = targets.size;
      for (const to of targets) dependents[local(to)]!.push(li);
    });
    const done = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      let next = 0;
      while (done[next] || pending[next]! > 0) next++; // analysis guarantees there is no cycle
      done[next] = 1;
      level.order.push(next);
      for (const d of dependents[next]!) pending[d]!--;
    }
  }

  /**
   * Whether section `s` is shown, evaluating its relevance the first time it is asked. Relevance that
   * runs out of work shows the section (its questions then say what went wrong).
   */
  function sectionShown(s: number, state: Int8Array, scope: LevelScope, work: Work): boolean {
    if (state[s] === 0) {
      const section = sections[s]!;
      const e = section.relevant;
      scope.current = '';
      state[s] = !e || toBoolean(bounded(work, '', section.name, 'relevant', true, e, scope)) ? 1 : -1;
    }
    return state[s] === 1;
  }

  type Clock = ReturnType<typeof clockFor>;
  /** Relevance, calculations, repeats, requiredness, filtered choices and values of one level. */
  function runLevel(
    level: CLevel,
    answers: Answers,
    parent: LevelScope | null,
    position: number,
    prefix: string,
    clock: Clock,
    work: Work,
    sectionState: Int8Array,
  ): LevelRun {
    const { members } = level;
    const n = members.length;
    const vals = new Array<ExprValue>(n).fill('');
    const scope = new LevelScope(
      names,
      level,
      vals,
      parent,
      position,
      clock.todayDays,
      clock.nowDays,
      clock.offsetDays,
    );
    const relevant = new Uint8Array(n);
    const raws = new Array<AnswerValue | undefined>(n);
    for (let li = 0; li < n; li++) raws[li] = read(answers, questions[members[li]!]!);
    const repeats: (RepeatRun | undefined)[] = [];

    for (const li of level.order) {
      const q = questions[members[li]!]!;
      if (
        (level.id === 0 && !sectionShown(q.section, sectionState, scope, work)) ||
        (q.groupLi >= 0 && !relevant[q.groupLi])
      ) {
        vals[li] = q.multi ? EMPTY_LIST : q.type === 'repeat' ? EMPTY_SET : '';
        continue;
      }
      const raw = raws[li];
      if (q.relevant) {
        scope.current = answerToValue(raw, q.multi);
        if (!toBoolean(bounded(work, prefix, q.name, 'relevant', true, q.relevant, scope))) {
          vals[li] = q.multi ? EMPTY_LIST : q.type === 'repeat' ? EMPTY_SET : '';
          continue;
        }
      }
      relevant[li] = 1;
      if (q.type === 'repeat') {
        let count: number | null = null;
        let requested = 0;
        if (q.repeatCount) {
          scope.current = '';
          const c = toNumber(bounded(work, prefix, q.name, 'repeat count', 0, q.repeatCount, scope));
          requested = Number.isFinite(c) && c > 0 ? Math.trunc(c) : 0;
          count = Math.min(requested, MAX_REPEAT_INSTANCES);
        }
        const given = Array.isArray(raw) ? raw : [];
        const wanted = count ?? Math.min(given.length, MAX_REPEAT_INSTANCES);
        const k = Math.min(wanted, MAX_FORM_REPEAT_INSTANCES - work.instances);
        work.instances += k;
        const instances: LevelRun[] = [];
        scope.instances[li] = instances;
        const child = levels[q.childLevel]!;
        for (let j = 0; j < k; j++) {
          work.left -= child.members.length; // every instance draws on the run's budget
          const a = given[j];
          instances.push(
            runLevel(
              child,
              isPlainObject(a) ? a : {},
              scope,
              j + 1,
              `${prefix}${q.name}[${j + 1}].`,
              clock,
              work,
              sectionState,
            ),
          );
        }
        repeats[li] = { count, requested, instances, truncated: k < wanted };
        vals[li] = new NodeSet(instances.map(() => ''));
      } else if (q.calculation) {
        scope.current = answerToValue(raw);
        vals[li] = bounded(work, prefix, q.name, 'calculation', '', q.calculation, scope);
      } else if (q.type !== 'note' && q.type !== 'group') vals[li] = answerToValue(raw, q.multi);
    }

    const values: Answers = {};
    const required = new Uint8Array(n);
    const filtered: (readonly Choice[] | undefined)[] = [];
    for (let li = 0; li < n; li++) {
      if (!relevant[li]) continue;
      const q = questions[members[li]!]!;
      if (q.type === 'calculate') {
        write(values, q, valueToAnswer(vals[li]!));
        continue;
      }
      if (q.type === 'note' || q.type === 'group') continue;
      const raw = raws[li];
      if (q.type === 'repeat')
        write(
          values,
          q,
          repeats[li]!.instances.map((r) => r.values),
        );
      else if (raw !== undefined) write(values, q, normalized(q, raw));
      if (q.hidden) continue;
      if (typeof q.required === 'object') {
        scope.current = vals[li]!;
        if (toBoolean(bounded(work, prefix, q.name, 'required', false, q.required, scope))) required[li] = 1;
      } else if (q.required) required[li] = 1;
      if (q.choiceFilter) {
        const filter = q.choiceFilter;
        scope.current = '';
        filtered[li] = boundedFilter(work, prefix, q.name, q.choiceItems!, filter, scope);
      }
    }
    return { level, scope, prefix, raws, answers, relevant, required, values, filtered, repeats };
  }

  function run(answers: Answers, ctx: EvalContext | undefined): { top: LevelRun; work: Work; sectionState: Int8Array } {
    const work: Work = { left: MAX_FORM_EVALUATION_WORK, errors: [], failures: 0, instances: 0 };
    const sectionState = new Int8Array(sections.length); // 0 unknown, 1 shown, -1 hidden
    const top = runLevel(levels[0]!, answers, null, 1, '', clockFor(ctx), work, sectionState);
    return { top, work, sectionState };
  }

  /** Visible questions, requiredness, filtered choices and repeats of one level run. */
  function stateOf(r: LevelRun): InstanceState {
    const visibleQuestions = new Set<string>();
    const required = new Set<string>();
    const choices: Record<string, string[]> = {};
    const repeats: Record<string, RepeatState> = {};
    const { members } = r.level;
    for (let li = 0; li < members.length; li++) {
      if (!r.relevant[li]) continue;
      const q = questions[members[li]!]!;
      if (q.hidden) continue;
      visibleQuestions.add(q.name);
      if (r.required[li]) required.add(q.name);
      const f = q.choiceFilter && r.filtered[li];
      if (f)
        put(
          choices,
          q.name,
          f.map((c) => c.name),
        );
      const rep = q.type === 'repeat' && r.repeats[li];
      if (rep) put(repeats, q.name, { count: rep.count, instances: rep.instances.map(stateOf) });
    }
    return { values: r.values, visibleQuestions, required, choices, repeats };
  }

  /** Problems with the answers of one level run (and its repeats' instances). */
  /** The problem with one answer of a level run (not a repeat's), as [code, message], or undefined. */
  function answerProblem(r: LevelRun, li: number, q: CQuestion, work: Work): [string, string] | undefined {
    const raw = r.raws[li];
    if (q.type === 'note' || q.type === 'group') {
      if (isBlank(raw)) return undefined;
      return [
        'NOT_ANSWERABLE',
        q.type === 'note'
          ? 'A note takes no answer'
          : 'A group takes no answer: answer its questions by their own names',
      ];
    }
    if (!r.relevant[li] || q.type === 'calculate') return undefined;
    if (isBlank(raw)) return r.required[li] ? ['REQUIRED', 'An answer is required'] : undefined;
    const problem = typeError(q, raw!);
    if (problem) return problem;
    const offered = q.choiceFilter && r.filtered[li];
    if (offered) {
      const allowed = new Set(offered.map((c) => c.name));
      const picked = q.multi ? listOf(raw!)! : [String(raw).trim()];
      const bad = picked.filter((x) => !allowed.has(x));
      if (bad.length)
        return [
          'CHOICE_FILTERED',
          `${bad.map((b) => JSON.stringify(b)).join(', ')} not offered: the choice filter excludes it given the earlier answers`,
        ];
    }
    if (q.constraint) {
      const { scope } = r;
      scope.current = scope.vals[li]!;
      const failures = work.failures;
      const holds = toBoolean(bounded(work, r.prefix, q.name, 'constraint', false, q.constraint, scope));
      if (!holds && work.failures === failures) return ['CONSTRAINT', q.constraintMessage];
    }
    return undefined;
  }

  /** Problems with the answers of one level run (and its repeats' instances). */
  function check(r: LevelRun, work: Work, errors: FieldError[]): void {
    const { prefix } = r;
    const { members } = r.level;
    for (let li = 0; li < members.length; li++) {
      const q = questions[members[li]!]!;
      if (q.type === 'repeat') {
        if (r.relevant[li])
          checkRepeat(q, prefix + q.name, r.raws[li], r.repeats[li]!, r.required[li] === 1, work, errors);
        continue;
      }
      const problem = answerProblem(r, li, q, work);
      if (problem) errors.push({ field: prefix + q.name, code: problem[0], message: problem[1] });
    }
    for (const key of Object.keys(r.answers)) {
      const i = index.get(key);
      if (i === undefined || questions[i]!.level !== r.level.id)
        errors.push({
          field: prefix + key,
          code: 'UNKNOWN_FIELD',
          message:
            i === undefined
              ? `'${key}' is not a question in this form`
              : questions[i]!.chain.length > r.level.chain.length
                ? `'${key}' is inside repeat '${flat[questions[i]!.chain[r.level.chain.length]!]!.q.name}': answer it in that repeat's instances`
                : `'${key}' is not a question of ${r.level.repeat < 0 ? 'the form outside repeats' : `repeat '${flat[r.level.repeat]!.q.name}'`}`,
        });
    }
  }

  function checkRepeat(
    q: CQuestion,
    field: string,
    raw: AnswerValue | undefined,
    rep: RepeatRun,
    required: boolean,
    work: Work,
    errors: FieldError[],
  ): void {
    const error = (code: string, message: string, at = field): void => {
      errors.push({ field: at, code, message });
    };
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
      error('TYPE', 'Expected a list of instances (one object of answers each)');
      return;
    }
    const given = raw ?? [];
    if (rep.truncated)
      return error(
        'REPEAT_TOO_MANY',
        `The form's repeats together have more than ${MAX_FORM_REPEAT_INSTANCES.toLocaleString('en')} instances`,
      );
    if (rep.requested > MAX_REPEAT_INSTANCES)
      return error(
        'REPEAT_TOO_MANY',
        `The repeat count asks for ${rep.requested.toLocaleString('en')} instances; at most ${MAX_REPEAT_INSTANCES} are allowed`,
      );
    if (given.length > MAX_REPEAT_INSTANCES)
      return error(
        'REPEAT_TOO_MANY',
        `${given.length.toLocaleString('en')} instances; at most ${MAX_REPEAT_INSTANCES} are allowed`,
      );
    if (rep.count !== null && given.length !== rep.count)
      return error(
        'REPEAT_COUNT',
        `Expected ${rep.count} instance${rep.count === 1 ? '' : 's'} (the repeat count), got ${given.length}`,
      );
    if (required && given.length === 0) error('REQUIRED', 'At least one instance is required');
    given.forEach((a, j) => {
      if (!isPlainObject(a)) error('TYPE', 'Expected an object of answers', `${field}[${j + 1}]`);
    });
    for (const inst of rep.instances) check(inst, work, errors);
  }

  return {
    form,
    order: questions.map((q) => q.name),
    sectionOf,
    questionByName,
    parentRepeat,
    evaluate(answers, ctx) {
      const { top, work, sectionState } = run(answers, ctx);
      const scope = top.scope;
      for (let s = 0; s < sections.length; s++) sectionShown(s, sectionState, scope, work); // sections without questions
      const visibleSections = new Set<string>();
      for (let s = 0; s < sections.length; s++) if (sectionState[s] === 1) visibleSections.add(sections[s]!.name);
      const { values, visibleQuestions, required, choices, repeats } = stateOf(top);
      return { values, visibleQuestions, visibleSections, required, repeats, choices };
    },
    validate(answers, ctx) {
      const { top, work } = run(answers, ctx);
      const errors: FieldError[] = [];
      check(top, work, errors);
      // Expressions that ran out of work: the answers cannot be judged, so they are not valid.
      errors.push(...work.errors);
      return { valid: errors.length === 0, errors, values: top.values };
    },
  };
}
