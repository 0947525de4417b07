/**
 * The XLSForm expression language as the registry's forms use it: a tokenizer, a Pratt parser to an
 * AST, and an evaluator over that AST. Never `eval` or `new Function`.
 *
 * Semantics follow XPath 1.0 / ODK where it matters for forms:
 * - an empty answer is `''`; `null` is the empty value;
 * - `=`/`!=` compare as booleans if either side is a boolean, as numbers if either side is a number
 *   (or both sides are numeric strings), as dates if either side is a date (or both are date strings),
 *   else as strings; a select_multiple value (a list) equals `x` when any of its items does;
 * - `<`, `<=`, `>`, `>=` and arithmetic convert to numbers; a date (`YYYY-MM-DD`) becomes days since
 *   1970-01-01, so `today() - ${dob}` is a number of days; empty or non-numeric text is NaN, and every
 *   comparison with NaN is false (`!=` is the negation of `=`, as in XPath);
 * - boolean of `''` is false, of other text true, of a number non-zero and not NaN.
 *
 * Every evaluation is bounded: `regex()` runs on RE2 (linear time in the answer's length, no
 * backtracking), and each evaluation spends from a work budget (MAX_EVALUATION_WORK) that answers read,
 * text built and regex matching draw on; running out throws EvaluationLimitError instead of running on.
 */
import { RE2JS } from 're2js';
import type { AnswerValue, Answers, Choice, GeoPoint } from './schema.js';

export const MAX_EXPRESSION_LENGTH = 2000;
export const MAX_EXPRESSION_DEPTH = 64;
export const MAX_REGEX_LENGTH = 1000;
/** Largest compiled `regex()` pattern, in RE2 program instructions (`^.{0,1000}$` is about 2,000). */
export const MAX_REGEX_PROGRAM = 3000;
/**
 * Work one evaluation may do. A unit is one expression node, one character of an answer read or of
 * text built, one comparison of list items, or one regex instruction per character matched (RE2's
 * worst case: program size × text length). About 50 ms at worst on one server core.
 */
export const MAX_EVALUATION_WORK = 2_000_000;

export class ExpressionError extends Error {
  /** Position in the source (0-based). */
  offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'ExpressionError';
    this.offset = offset;
  }
}

/** An evaluation ran out of its work budget (see MAX_EVALUATION_WORK); no result was computed. */
export class EvaluationLimitError extends Error {
  /** Position in the source (0-based) of the part being evaluated when the budget ran out. */
  offset: number;
  constructor(offset: number) {
    super(
      `The expression needs more work than one evaluation may do (stopped at offset ${offset}): ` +
        'the answers, text or regular expression it works on are too long',
    );
    this.name = 'EvaluationLimitError';
    this.offset = offset;
  }
}

// ---------------------------------------------------------------------------------------------
// AST

export type BinaryOp = 'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | 'div' | 'mod';
export type Expr =
  | { kind: 'number'; value: number; offset: number }
  | { kind: 'string'; value: string; offset: number }
  /** `null`: the empty value. */
  | { kind: 'empty'; offset: number }
  /** `${name}` */
  | { kind: 'field'; name: string; offset: number }
  /** `.`: the current question's value. */
  | { kind: 'current'; offset: number }
  /** `..`: the parent node; only meaningful as `position(..)`. */
  | { kind: 'parent'; offset: number }
  /** A bare name in a choice filter or an `instance()` predicate: the choice's column (`name`, `label`, …). */
  | { kind: 'column'; name: string; offset: number }
  /** `instance('list')/root/item[predicate]/column`: the column of the list's choices the predicate holds for. */
  | { kind: 'lookup'; list: string; predicate?: Expr; column: string; offset: number }
  | { kind: 'negate'; operand: Expr; offset: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; offset: number }
  /** `regex` carries its pattern compiled at parse time when the pattern is a literal. */
  | { kind: 'call'; name: FunctionName; args: Expr[]; offset: number; regex?: CompiledRegex };

/** Functions and their arities [min, max]. */
const FUNCTIONS = {
  not: [1, 1],
  selected: [2, 2],
  'count-selected': [1, 1],
  'string-length': [0, 1],
  regex: [2, 2],
  today: [0, 0],
  now: [0, 0],
  int: [1, 1],
  number: [0, 1],
  string: [0, 1],
  round: [1, 2],
  if: [3, 3],
  coalesce: [2, 2],
  concat: [0, Infinity],
  contains: [2, 2],
  'starts-with': [2, 2],
  substr: [2, 3],
  once: [1, 1],
  date: [1, 1],
  'decimal-date-time': [1, 1],
  boolean: [1, 1],
  true: [0, 0],
  false: [0, 0],
  // issue 14: XLSForm / ODK functions
  'format-date': [2, 2],
  'format-date-time': [2, 2],
  pow: [2, 2],
  abs: [1, 1],
  floor: [1, 1],
  ceiling: [1, 1],
  random: [0, 0],
  uuid: [0, 0],
  position: [0, 1],
  'indexed-repeat': [3, 7],
  sum: [1, 1],
  count: [1, 1],
  max: [1, Infinity],
  min: [1, Infinity],
  join: [2, Infinity],
  'selected-at': [2, 2],
  'jr:choice-name': [2, 2],
  pulldata: [4, 4],
} as const satisfies Record<string, readonly [number, number]>;
export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type TokenType = 'number' | 'string' | 'field' | 'dot' | 'dotdot' | 'name' | 'punct' | 'eof';
interface Token {
  type: TokenType;
  /** number literal's value, string literal's content, field name, name, or punctuation. */
  text: string;
  offset: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || isDigit(c) || c === 45 || c === 46;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of input';
    case 'number':
      return `number ${t.text}`;
    case 'string':
      return 'a string';
    case 'field':
      return `\${${t.text}}`;
    case 'dot':
      return "'.'";
    case 'dotdot':
      return "'..'";
    default:
      return `'${t.text}'`;
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(src.charCodeAt(i + 1)))) {
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      if (i < n && src.charCodeAt(i) === 46) {
        i++;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
      }
      tokens.push({ type: 'number', text: src.slice(start, i), offset: start });
      continue;
    }
    if (c === 46) {
      const two = src.charCodeAt(i + 1) === 46;
      tokens.push(two ? { type: 'dotdot', text: '..', offset: i } : { type: 'dot', text: '.', offset: i });
      i += two ? 2 : 1;
      continue;
    }
    if (c === 39 || c === 34) {
      const end = src.indexOf(c === 39 ? "'" : '"', i + 1);
      if (end < 0) throw new ExpressionError(`Unterminated string starting at offset ${i}`, i);
      tokens.push({ type: 'string', text: src.slice(i + 1, end), offset: i });
      i = end + 1;
      continue;
    }
    if (c === 36) {
      // ${name}
      if (src.charCodeAt(i + 1) !== 123) throw new ExpressionError(`Expected '{' after '$' at offset ${i + 1}`, i + 1);
      i += 2;
      const nameStart = i;
      if (i >= n || !isNameStart(src.charCodeAt(i)))
        throw new ExpressionError(`Expected a field name after '\${' at offset ${i}`, i);
      while (i < n && isNameChar(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) !== 125) throw new ExpressionError(`Expected '}' to close \${ at offset ${i}`, i);
      tokens.push({ type: 'field', text: src.slice(nameStart, i), offset: start });
      i++;
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNameChar(src.charCodeAt(i))) i++;
      // a namespace prefix: jr:choice-name
      if (src.charCodeAt(i) === 58 && i + 1 < n && isNameStart(src.charCodeAt(i + 1))) {
        i++;
        while (i < n && isNameChar(src.charCodeAt(i))) i++;
      }
      tokens.push({ type: 'name', text: src.slice(start, i), offset: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ type: 'punct', text: two, offset: i });
      i += 2;
      continue;
    }
    const ch = src[i]!;
    if ('()=<>+-*,/[]'.includes(ch)) {
      tokens.push({ type: 'punct', text: ch, offset: i });
      i++;
      continue;
    }
    throw new ExpressionError(`Unexpected character ${JSON.stringify(ch)} at offset ${i}`, i);
  }
  tokens.push({ type: 'eof', text: '', offset: n });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser (Pratt)

/** Left binding powers (XPath precedence: or < and < equality < relational < additive < multiplicative). */
const BINARY_POWER: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  '=': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  div: 6,
  mod: 6,
};
const WORD_OPERATORS = new Set(['or', 'and', 'div', 'mod']);

const pathError = (offset: number) =>
  new ExpressionError(
    `Paths ('/') are not supported at offset ${offset}; refer to questions as \${name} (inside a repeat ../name also works)`,
    offset,
  );

class Parser {
  private pos = 0;
  /** Bare names are choice columns (a choice filter, an `instance()` predicate). */
  private columns: boolean;
  constructor(
    private readonly tokens: Token[],
    columns: boolean,
  ) {
    this.columns = columns;
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.type === 'punct' && t.text === text;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private binaryOp(t: Token): BinaryOp | undefined {
    if (t.type === 'punct' && Object.hasOwn(BINARY_POWER, t.text)) return t.text as BinaryOp;
    if (t.type === 'name' && WORD_OPERATORS.has(t.text)) return t.text as BinaryOp;
    return undefined;
  }

  parseAll(): Expr {
    const e = this.parse(0, 0);
    const t = this.peek();
    if (t.type !== 'eof') {
      const expected = t.type === 'punct' && t.text === ')' ? 'no more input' : 'an operator or end of input';
      throw new ExpressionError(`Expected ${expected} at offset ${t.offset}, found ${describe(t)}`, t.offset);
    }
    return e;
  }

  private parse(minPower: number, depth: number): Expr {
    let left = this.prefix(depth);
    for (;;) {
      const t = this.peek();
      const op = this.binaryOp(t);
      if (!op) {
        if (t.type === 'punct' && t.text === '/') throw pathError(t.offset);
        return left;
      }
      const power = BINARY_POWER[op];
      if (power <= minPower) return left;
      this.next();
      const right = this.parse(power, depth);
      left = { kind: 'binary', op, left, right, offset: t.offset };
    }
  }

  private prefix(depth: number): Expr {
    const t = this.next();
    if (depth > MAX_EXPRESSION_DEPTH)
      throw new ExpressionError(
        `Expression nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels) at offset ${t.offset}`,
        t.offset,
      );
    switch (t.type) {
      case 'number':
        return { kind: 'number', value: Number(t.text), offset: t.offset };
      case 'string':
        return { kind: 'string', value: t.text, offset: t.offset };
      case 'field':
        return { kind: 'field', name: t.text, offset: t.offset };
      case 'dot':
        return { kind: 'current', offset: t.offset };
      case 'dotdot':
        return this.relativePath(t);
      case 'name':
        return this.name(t, depth);
      case 'punct':
        if (t.text === '(') {
          const inner = this.parse(0, depth + 1);
          this.expect(')', `to close '(' opened at offset ${t.offset}`);
          return inner;
        }
        if (t.text === '-') return { kind: 'negate', operand: this.prefix(depth + 1), offset: t.offset };
        if (t.text === '/') throw pathError(t.offset);
        break;
    }
    const prev = this.tokens[this.pos - 2];
    const after = prev && this.binaryOp(prev) ? ` after '${prev.text}'` : '';
    throw new ExpressionError(`Expected an expression${after} at offset ${t.offset}, found ${describe(t)}`, t.offset);
  }

  /** `..`, `../name`, `../../name`: inside a repeat, `name` is the same instance's answer (as pyxform writes). */
  private relativePath(t: Token): Expr {
    while (this.isPunct('/')) {
      this.next();
      const step = this.next();
      if (step.type === 'dotdot') continue;
      if (step.type === 'name' && !this.isPunct('/') && !this.isPunct('('))
        return { kind: 'field', name: step.text, offset: t.offset };
      throw new ExpressionError(
        `Expected '..' or a question name in the path at offset ${step.offset}, found ${describe(step)}`,
        step.offset,
      );
    }
    return { kind: 'parent', offset: t.offset };
  }

  /** After `instance('list')`: `/root/item`, an optional `[predicate]`, an optional `/column` (default `name`). */
  private lookup(list: string, offset: number, depth: number): Expr {
    for (const step of ['root', 'item']) {
      const slash = this.next();
      const t = this.next();
      if (!(slash.type === 'punct' && slash.text === '/' && t.type === 'name' && t.text === step))
        throw new ExpressionError(
          `Expected /root/item[…]/column after instance('${list}') at offset ${slash.offset}`,
          slash.offset,
        );
    }
    let predicate: Expr | undefined;
    if (this.isPunct('[')) {
      const open = this.next();
      const outer = this.columns;
      this.columns = true;
      predicate = this.parse(0, depth + 1);
      this.columns = outer;
      this.expect(']', `to close '[' opened at offset ${open.offset}`);
    }
    let column = 'name';
    if (this.isPunct('/')) {
      this.next();
      const t = this.next();
      if (t.type !== 'name')
        throw new ExpressionError(`Expected a column name at offset ${t.offset}, found ${describe(t)}`, t.offset);
      column = t.text;
    }
    return { kind: 'lookup', list, predicate, column, offset };
  }

  private name(t: Token, depth: number): Expr {
    const open = this.peek();
    if (!(open.type === 'punct' && open.text === '(')) {
      if (t.text === 'null') return { kind: 'empty', offset: t.offset };
      if (WORD_OPERATORS.has(t.text))
        throw new ExpressionError(`Expected an expression at offset ${t.offset}, found operator '${t.text}'`, t.offset);
      if (this.columns) return { kind: 'column', name: t.text, offset: t.offset };
      if (isFunctionName(t.text))
        throw new ExpressionError(`Expected '(' after function '${t.text}' at offset ${open.offset}`, open.offset);
      throw new ExpressionError(
        `Unsupported name '${t.text}' at offset ${t.offset}: refer to questions as \${${t.text}}`,
        t.offset,
      );
    }
    if (t.text === 'instance') {
      this.next(); // (
      const arg = this.next();
      if (arg.type !== 'string')
        throw new ExpressionError(
          `instance() takes the name of a choice list in quotes (at offset ${arg.offset})`,
          arg.offset,
        );
      this.expect(')', `to close instance( opened at offset ${open.offset}`);
      return this.lookup(arg.text, t.offset, depth);
    }
    if (!isFunctionName(t.text))
      throw new ExpressionError(`Unknown function '${t.text}' at offset ${t.offset}`, t.offset);
    const name = t.text;
    this.next(); // (
    const args: Expr[] = [];
    if (!(this.peek().type === 'punct' && this.peek().text === ')')) {
      for (;;) {
        args.push(this.parse(0, depth + 1));
        const sep = this.peek();
        if (sep.type === 'punct' && sep.text === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expect(')', `to close the arguments of '${name}' opened at offset ${open.offset}`, "',' or ");
    const [min, max] = FUNCTIONS[name];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new ExpressionError(
        `Function '${name}' takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${args.length} (at offset ${t.offset})`,
        t.offset,
      );
    }
    const call: Extract<Expr, { kind: 'call' }> = { kind: 'call', name, args, offset: t.offset };
    if (name === 'indexed-repeat') {
      if (args.length % 2 === 0 || [0, 1, 3, 5].some((k) => k < args.length && args[k]!.kind !== 'field'))
        throw new ExpressionError(
          `indexed-repeat() takes \${question}, \${repeat}, index (then optionally \${inner repeat}, index) at offset ${t.offset}`,
          t.offset,
        );
    }
    if (name === 'regex') {
      const pattern = args[1]!;
      if (pattern.kind === 'string') {
        const compiled = compileRegex(pattern.value);
        if (typeof compiled === 'string')
          throw new ExpressionError(`${compiled} (pattern at offset ${pattern.offset})`, pattern.offset);
        call.regex = compiled;
      }
    }
    return call;
  }

  private expect(text: string, why: string, alternatives = ''): void {
    const t = this.peek();
    if (t.type === 'punct' && t.text === text) {
      this.next();
      return;
    }
    throw new ExpressionError(
      `Expected ${alternatives}'${text}' ${why}, at offset ${t.offset}, found ${describe(t)}`,
      t.offset,
    );
  }
}

/**
 * Parse an expression; throws ExpressionError (and nothing else) with the offset of the problem.
 * `columns`: bare names are a choice's columns (a `choiceFilter`: `state = \${state}`).
 */
export function parseExpression(source: string, options: { columns?: boolean } = {}): Expr {
  if (typeof source !== 'string') throw new ExpressionError('Expression must be a string', 0);
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError(
      `Expression is longer than ${MAX_EXPRESSION_LENGTH} characters (offset ${MAX_EXPRESSION_LENGTH})`,
      MAX_EXPRESSION_LENGTH,
    );
  const tokens = tokenize(source);
  if (tokens.length === 1)
    throw new ExpressionError(`Expected an expression at offset ${source.length}, found end of input`, source.length);
  try {
    return new Parser(tokens, options.columns ?? false).parseAll();
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    // The depth and length caps keep the recursion shallow; this is only a last line of defence.
    if (e instanceof RangeError) throw new ExpressionError('Expression too complex', 0);
    throw e;
  }
}

/** The `${…}` names an expression refers to, each once, in order of appearance. */
export function referencedFields(expr: Expr): string[] {
  const seen = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'field':
        seen.add(e.name);
        break;
      case 'negate':
        walk(e.operand);
        break;
      case 'binary':
        walk(e.left);
        walk(e.right);
        break;
      case 'call':
        for (const a of e.args) walk(a);
        break;
      case 'lookup':
        if (e.predicate) walk(e.predicate);
        break;
    }
  };
  walk(expr);
  return [...seen];
}

/** Every node of an expression, depth first (predicates of look-ups included). */
export function walkExpr(expr: Expr, visit: (e: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'negate':
      walkExpr(expr.operand, visit);
      break;
    case 'binary':
      walkExpr(expr.left, visit);
      walkExpr(expr.right, visit);
      break;
    case 'call':
      for (const a of expr.args) walkExpr(a, visit);
      break;
    case 'lookup':
      if (expr.predicate) walkExpr(expr.predicate, visit);
      break;
  }
}

/** Whether an expression uses `.` (the current question's value). */
export function usesCurrent(expr: Expr): boolean {
  switch (expr.kind) {
    case 'current':
      return true;
    case 'negate':
      return usesCurrent(expr.operand);
    case 'binary':
      return usesCurrent(expr.left) || usesCurrent(expr.right);
    case 'call':
      return expr.args.some(usesCurrent);
    case 'lookup':
      return expr.predicate ? usesCurrent(expr.predicate) : false;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: RE2 (linear time), size-capped, compiled once, cached.

/** A `regex()` pattern compiled for RE2, with its program size (what matching costs per character). */
export interface CompiledRegex {
  readonly re: RE2JS;
  readonly size: number;
}

const regexCache = new Map<string, CompiledRegex | string>();
const REGEX_CACHE_SIZE = 500;

/**
 * The compiled pattern, or an error message. ODK semantics: a match anywhere (`find`), no flags.
 * Patterns are written as for JavaScript's RegExp (as XLSForm tools and Enketo take them) and
 * translated to RE2 syntax (`\uXXXX`, `(?<name>…)`, `[^]`…); they then match by code point. What needs
 * backtracking has no linear-time match and is refused: backreferences, lookahead and lookbehind.
 */
function compileRegex(pattern: string): CompiledRegex | string {
  const hit = regexCache.get(pattern);
  if (hit !== undefined) return hit;
  let result: CompiledRegex | string;
  if (pattern.length > MAX_REGEX_LENGTH) result = `Regular expression longer than ${MAX_REGEX_LENGTH} characters`;
  else {
    const backreference = findBackreference(pattern);
    if (backreference) result = unsupported(`backreference ${backreference}`);
    else {
      try {
        const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
        const size = re.programSize();
        result =
          size > MAX_REGEX_PROGRAM
            ? `Regular expression too complex (${size.toLocaleString('en')} steps per character, at most ${MAX_REGEX_PROGRAM.toLocaleString('en')}): use smaller repeat counts`
            : { re, size };
      } catch (e) {
        result = regexError(e);
      }
    }
  }
  if (regexCache.size >= REGEX_CACHE_SIZE) regexCache.delete(regexCache.keys().next().value!);
  regexCache.set(pattern, result);
  return result;
}

function unsupported(what: string): string {
  return `Regular expression not supported: ${what} (patterns are matched in linear time, without backreferences, lookahead or lookbehind)`;
}

/** `\1`…`\9` or `\k<name>` outside a character class: RE2 has no backreferences (JavaScript has). */
function findBackreference(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && ((next >= '1' && next <= '9') || (next === 'k' && pattern[i + 2] === '<')))
        return next === 'k' ? pattern.slice(i, pattern.indexOf('>', i) + 1 || undefined) : `\\${next}`;
      i++;
    } else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
  }
  return undefined;
}

/** RE2's "error parsing regexp: missing closing ): `(`" → "Invalid regular expression: missing closing ): `(`". */
function regexError(e: unknown): string {
  const reason = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '');
  const lookaround = /(?:unsupported Perl syntax|invalid named capture): `(\(\?<?[=!])/.exec(reason);
  if (lookaround) {
    const group = lookaround[1]!;
    return unsupported(`${group.includes('<') ? 'lookbehind' : 'lookahead'} '${group}…)'`);
  }
  if (reason.startsWith('expression too large'))
    return 'Regular expression too complex: use smaller repeat counts or fewer nested repeats';
  return `Invalid regular expression: ${reason}`;
}

// ---------------------------------------------------------------------------------------------
// Work budget

/** What an evaluation may still spend; `evaluateWithScope` draws on it. */
export interface WorkBudget {
  left: number;
}

/** The budget of the evaluation under way (evaluation is synchronous, so one at a time). */
let active: WorkBudget = { left: MAX_EVALUATION_WORK };

function spend(units: number, e: Expr): void {
  active.left -= units;
  if (active.left < 0) throw new EvaluationLimitError(e.offset);
}

/** Characters of text (or items and characters of a list) an answer brings into an evaluation. */
function sizeOf(v: ExprValue): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof NodeSet) {
    let n = v.items.length;
    for (const x of v.items) n += sizeOf(x);
    return n;
  }
  if (!isList(v)) return 1;
  let n = v.length;
  for (const x of v) n += x.length;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Values

/** A date or date-time: `days` since 1970-01-01 (fractional for a date-time). */
export class XDate {
  constructor(
    readonly days: number,
    readonly hasTime: boolean,
  ) {}
  toString(): string {
    if (!Number.isFinite(this.days)) return '';
    const d = new Date(this.days * MS_PER_DAY);
    return this.hasTime ? d.toISOString() : d.toISOString().slice(0, 10);
  }
}
/**
 * The values of one question across a repeat's instances (`\${child}` outside its repeat), or of the
 * choices an `instance()` look-up found. Aggregates (sum, count, max, min, join) take every item; elsewhere
 * it counts as its first item, and `=` holds when it holds for any item (XPath).
 */
export class NodeSet {
  constructor(readonly items: readonly ExprValue[]) {}
  first(): ExprValue {
    return this.items.length ? this.items[0]! : '';
  }
}
/** What an expression evaluates to. Lists are select_multiple values. */
export type ExprValue = string | number | boolean | readonly string[] | XDate | NodeSet;

const MS_PER_DAY = 86_400_000;
const NUMERIC = /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Days since 1970-01-01 of a real calendar date `YYYY-MM-DD`, else NaN. */
export function dateStringToDays(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31)) return NaN;
  // days from civil (proleptic Gregorian), after Howard Hinnant
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}
/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  return !Number.isNaN(dateStringToDays(s));
}

function stringToNumber(s: string): number {
  if (s === '') return NaN;
  if (NUMERIC.test(s)) return Number(s);
  const c = s.charCodeAt(0);
  if (isDigit(c) && s.length >= 10 && s.charCodeAt(4) === 45) {
    if (s.length === 10) return dateStringToDays(s);
    if (DATE_TIME.test(s)) return Date.parse(s) / MS_PER_DAY;
  }
  return NaN;
}
function isDateLike(v: ExprValue): boolean {
  if (v instanceof XDate) return true;
  if (v instanceof NodeSet) return isDateLike(v.first());
  return typeof v === 'string' && v.length >= 10 && v.charCodeAt(4) === 45 && !Number.isNaN(stringToNumber(v));
}

export function toNumber(v: ExprValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return stringToNumber(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof XDate) return v.days;
  if (v instanceof NodeSet) return toNumber(v.first());
  return v.length === 0 ? NaN : stringToNumber(v.join(' '));
}
export function toText(v: ExprValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof XDate) return v.toString();
  if (v instanceof NodeSet) return toText(v.first());
  return v.join(' ');
}
function numberToText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (Object.is(n, -0)) return '0';
  return String(n);
}
export function toBoolean(v: ExprValue): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (v instanceof XDate) return Number.isFinite(v.days);
  if (v instanceof NodeSet) return v.items.length > 0;
  return v.length > 0;
}
function isEmpty(v: ExprValue): boolean {
  if (typeof v === 'string') return v === '';
  if (typeof v === 'number') return Number.isNaN(v);
  if (typeof v === 'boolean') return false;
  if (v instanceof XDate) return !Number.isFinite(v.days);
  if (v instanceof NodeSet) return isEmpty(v.first());
  return v.length === 0;
}
function isList(v: ExprValue): v is readonly string[] {
  return Array.isArray(v);
}
function listItems(v: ExprValue): readonly string[] {
  if (isList(v)) return v;
  if (v instanceof NodeSet) return listItems(v.first());
  const s = toText(v).trim();
  return s === '' ? [] : s.split(/\s+/);
}

/** Convert an answer as stored to an expression value. `multi`: a select_multiple answer. */
export function answerToValue(a: AnswerValue | undefined, multi = false): ExprValue {
  if (a === null || a === undefined) return multi ? [] : '';
  if (typeof a === 'string') return multi ? listItems(a) : a;
  if (typeof a === 'number' || typeof a === 'boolean') return a;
  if (Array.isArray(a)) return a.filter((x): x is string => typeof x === 'string');
  if (typeof a === 'object') {
    const g = a as GeoPoint;
    if (typeof g.lat === 'number' && typeof g.lng === 'number') return `${g.lat} ${g.lng} 0 ${g.accuracy ?? 0}`;
  }
  return '';
}
/** Convert an expression result to an answer (calculations): empty/NaN → `''`, dates → `YYYY-MM-DD`. */
export function valueToAnswer(v: ExprValue): AnswerValue {
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : ''; // + 0 turns -0 into 0
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof XDate) return v.toString();
  if (v instanceof NodeSet) return valueToAnswer(v.first());
  return [...v];
}

function equals(a: ExprValue, b: ExprValue): boolean {
  if (a instanceof NodeSet) return a.items.some((x) => equals(x, b));
  if (b instanceof NodeSet) return b.items.some((x) => equals(a, x));
  if (isList(a)) return a.some((x) => equals(x, b));
  if (isList(b)) return b.some((x) => equals(a, x));
  if (typeof a === 'boolean' || typeof b === 'boolean') return toBoolean(a) === toBoolean(b);
  if (typeof a === 'number' || typeof b === 'number' || a instanceof XDate || b instanceof XDate)
    return toNumber(a) === toNumber(b);
  // two strings
  if (a === b) return true;
  if (a === '' || b === '') return false;
  const x = stringToNumber(a);
  if (Number.isNaN(x)) return false;
  const y = stringToNumber(b);
  // both numeric, or both dates / date-times
  return x === y && (NUMERIC.test(a) ? NUMERIC.test(b) : isDateLike(b));
}
function compare(op: '<' | '<=' | '>' | '>=', a: ExprValue, b: ExprValue): boolean {
  if (a instanceof NodeSet) return a.items.some((x) => compare(op, x, b));
  if (b instanceof NodeSet) return b.items.some((x) => compare(op, a, x));
  if (isList(a)) return a.some((x) => compare(op, x, b));
  if (isList(b)) return b.some((x) => compare(op, a, x));
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function codePoints(s: string): string[] | null {
  // Only split when there are surrogate pairs; plain `.length` is right otherwise.
  return /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : null;
}
function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (Number.isNaN(digits)) return NaN;
  const d = Math.trunc(digits);
  if (d === 0) return Math.sign(x) * Math.round(Math.abs(x));
  // half away from zero, using decimal exponent shifts to avoid binary artefacts (1.005 → 1.01)
  const abs = Math.abs(x);
  if (String(abs).includes('e') || Math.abs(d) > 20) return (Math.sign(x) * Math.round(abs * 10 ** d)) / 10 ** d;
  const shifted = Math.round(Number(`${abs}e${d}`));
  return Math.sign(x) * Number(`${shifted}e${-d}`);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface EvalContext {
  /** The date `today()` returns (its calendar day in the registry's time zone). Default: now. */
  today?: Date;
  /** The instant `now()` returns. Default: `today`, else now. */
  now?: Date;
  /** The registry's time zone as minutes east of UTC, for `today()`. Default 60 (West Africa Time, no DST). */
  utcOffsetMinutes?: number;
}

/** Where an evaluation reads `${name}` and `.` from. */
export interface Scope {
  get(name: string): ExprValue;
  /** The value of `.`. */
  current: ExprValue;
  /** Days since 1970-01-01 for `today()` (integer) and `now()` (fractional). */
  todayDays: number;
  nowDays: number;
  /** The registry's time zone in days east of UTC (format-date shows date-times there). Default 0. */
  offsetDays?: number;
  /** 1-based index of the repeat instance under evaluation (`position(..)`); 1 outside repeats. */
  position?: number;
  /** A column of the choice under test (a choice filter, an `instance()` predicate); '' elsewhere. */
  column?(name: string): ExprValue;
  /** `indexed-repeat(\${child}, \${repeat}, n, \${inner repeat}, m…)`: the child's value in that instance (outermost first). */
  indexed?(child: string, path: readonly { repeat: string; n: number }[]): ExprValue;
  /** The form's choice lists, for `instance()`, `jr:choice-name()`, `pulldata()`. */
  lists?: ChoiceSource;
}

/** What look-ups read: the form's choice lists, and which list a select question uses. */
export interface ChoiceSource {
  list(name: string): readonly Choice[] | undefined;
  /** The choice list of a select question. */
  listOf(question: string): string | undefined;
}

export function clockFor(ctx: EvalContext | undefined): { todayDays: number; nowDays: number; offsetDays: number } {
  const nowMs = (ctx?.now ?? ctx?.today ?? new Date()).getTime();
  const todayMs = ctx?.today ? ctx.today.getTime() : nowMs;
  const offset = (ctx?.utcOffsetMinutes ?? 60) * 60_000;
  return {
    todayDays: Math.floor((todayMs + offset) / MS_PER_DAY),
    nowDays: nowMs / MS_PER_DAY,
    offsetDays: offset / MS_PER_DAY,
  };
}

/** A choice's column by name: `name`, `label`, or one of its `columns`; '' when it has none. */
export function choiceColumn(choice: Choice, column: string): string {
  if (column === 'name') return choice.name;
  if (column === 'label') return choice.label;
  const cols = choice.columns;
  return cols && Object.hasOwn(cols, column) ? cols[column]! : '';
}

/**
 * A scope for one choice at a time: `\${…}`, `.` and the rest read from `outer`, bare names from the
 * choice's columns. Reused across the choices of a list (set `choice` before each evaluation).
 */
export class ChoiceScope implements Scope {
  choice: Choice = { name: '', label: '' };
  constructor(readonly outer: Scope) {}
  get(name: string): ExprValue {
    return this.outer.get(name);
  }
  get current(): ExprValue {
    return this.outer.current;
  }
  get todayDays(): number {
    return this.outer.todayDays;
  }
  get nowDays(): number {
    return this.outer.nowDays;
  }
  get offsetDays(): number | undefined {
    return this.outer.offsetDays;
  }
  get position(): number | undefined {
    return this.outer.position;
  }
  get lists(): ChoiceSource | undefined {
    return this.outer.lists;
  }
  indexed(child: string, path: readonly { repeat: string; n: number }[]): ExprValue {
    return this.outer.indexed?.(child, path) ?? '';
  }
  column(name: string): ExprValue {
    return choiceColumn(this.choice, name);
  }
}

/** Choices of a list by the value of one column (built once per list and column, kept while the list lives). */
const columnIndexes = new WeakMap<readonly Choice[], Map<string, Map<string, Choice[]>>>();
function byColumn(list: readonly Choice[], column: string): Map<string, Choice[]> {
  let perList = columnIndexes.get(list);
  if (!perList) columnIndexes.set(list, (perList = new Map()));
  let index = perList.get(column);
  if (!index) {
    index = new Map();
    for (const c of list) {
      const key = choiceColumn(c, column);
      const hit = index.get(key);
      if (hit) hit.push(c);
      else index.set(key, [c]);
    }
    perList.set(column, index);
  }
  return index;
}

/**
 * The choices of `list` for which `predicate` (bare names = the choice's columns) holds, in list order.
 * `column = value` (value not reading columns) is answered from an index; anything else tests every
 * choice, each test paid from the work budget (`budget`, else the evaluation's under way).
 */
export function filterChoices(
  list: readonly Choice[],
  predicate: Expr,
  scope: Scope,
  budget?: WorkBudget,
): readonly Choice[] {
  if (!budget) return filtered(list, predicate, scope);
  const outer = active;
  active = budget;
  try {
    return filtered(list, predicate, scope);
  } finally {
    active = outer;
  }
}
function filtered(list: readonly Choice[], predicate: Expr, scope: Scope): readonly Choice[] {
  if (predicate.kind === 'binary' && predicate.op === '=') {
    const { left, right } = predicate;
    const [col, other] = left.kind === 'column' ? [left, right] : right.kind === 'column' ? [right, left] : [];
    if (col && other && !readsColumns(other)) {
      const value = ev(other, scope);
      // Text equal as text only (not numbers, '1' = '1.0'; not dates): the index by the column's text answers.
      if (typeof value === 'string' && !NUMERIC.test(value) && !isDateLike(value)) {
        const hits = byColumn(list, col.name).get(value) ?? [];
        spend(1 + hits.length, predicate);
        return hits;
      }
      spend(list.length * pairs(value, ''), predicate);
      return list.filter((c) => equals(choiceColumn(c, col.name), value));
    }
  }
  const choiceScope = new ChoiceScope(scope);
  const out: Choice[] = [];
  for (const c of list) {
    choiceScope.choice = c;
    if (toBoolean(ev(predicate, choiceScope))) out.push(c);
  }
  return out;
}
function readsColumns(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.kind === 'column' || x.kind === 'lookup') found = true;
  });
  return found;
}

/**
 * Evaluate a parsed expression. Bad input yields '' / NaN / false; the one error thrown (for
 * well-formed ASTs) is EvaluationLimitError, when the evaluation would spend more than `budget`
 * (by default a fresh MAX_EVALUATION_WORK; what is left of it stays in the object).
 */
export function evaluateWithScope(
  e: Expr,
  scope: Scope,
  budget: WorkBudget = { left: MAX_EVALUATION_WORK },
): ExprValue {
  const outer = active;
  active = budget;
  try {
    return ev(e, scope);
  } finally {
    active = outer;
  }
}

/** A value read from the answers, paid for by its size. */
function read(v: ExprValue, e: Expr): ExprValue {
  spend(sizeOf(v), e);
  return v;
}

/** Comparisons a `=` or `<` does: one, or one per pair of items when a side is a list. */
function pairs(a: ExprValue, b: ExprValue): number {
  return itemCount(a) * itemCount(b);
}
function itemCount(v: ExprValue): number {
  return isList(v) ? v.length : v instanceof NodeSet ? v.items.length : 1;
}

function ev(e: Expr, scope: Scope): ExprValue {
  spend(1, e);
  switch (e.kind) {
    case 'number':
    case 'string':
      return e.value;
    case 'empty':
      return '';
    case 'field':
      return read(scope.get(e.name), e);
    case 'current':
      return read(scope.current, e);
    case 'negate':
      return -toNumber(ev(e.operand, scope));
    case 'binary':
      return binary(e, scope);
    case 'call':
      return call(e, scope);
    case 'parent':
      return '';
    case 'column':
      return read(scope.column?.(e.name) ?? '', e);
    case 'lookup':
      return lookup(e, scope);
  }
}

function binary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): ExprValue {
  const { op, left: l, right: r } = e;
  switch (op) {
    case 'or':
      return toBoolean(ev(l, scope)) || toBoolean(ev(r, scope));
    case 'and':
      return toBoolean(ev(l, scope)) && toBoolean(ev(r, scope));
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const x = ev(l, scope);
      const y = ev(r, scope);
      spend(pairs(x, y), e);
      if (op === '=') return equals(x, y);
      if (op === '!=') return !equals(x, y);
      return compare(op, x, y);
    }
  }
  const x = toNumber(ev(l, scope));
  const y = toNumber(ev(r, scope));
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case 'div':
      return x / y;
    case 'mod':
      return x % y;
  }
}

function call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): ExprValue {
  const a = e.args;
  switch (e.name) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'not':
      return !toBoolean(ev(a[0]!, scope));
    case 'boolean':
      return toBoolean(ev(a[0]!, scope));
    case 'if':
      return toBoolean(ev(a[0]!, scope)) ? ev(a[1]!, scope) : ev(a[2]!, scope);
    case 'coalesce': {
      const first = ev(a[0]!, scope);
      return isEmpty(first) ? ev(a[1]!, scope) : first;
    }
    case 'once':
      return isEmpty(scope.current) ? ev(a[0]!, scope) : read(scope.current, e);
    case 'selected': {
      const wanted = toText(ev(a[1]!, scope)).trim();
      return listItems(ev(a[0]!, scope)).includes(wanted);
    }
    case 'count-selected':
      return listItems(ev(a[0]!, scope)).length;
    case 'string-length': {
      const s = toText(a.length ? ev(a[0]!, scope) : read(scope.current, e));
      return codePoints(s)?.length ?? s.length;
    }
    case 'regex': {
      const compiled = e.regex ?? compileRegex(toText(ev(a[1]!, scope)));
      const text = toText(ev(a[0]!, scope));
      if (typeof compiled === 'string') return false; // a pattern from an answer that does not compile
      // RE2 does at most `size` steps per character: pay for the worst case before matching.
      spend(compiled.size * (text.length + 1), e);
      return compiled.re.test(text);
    }
    case 'today':
      return new XDate(scope.todayDays, false);
    case 'now':
      return new XDate(scope.nowDays, true);
    case 'int':
      return Math.trunc(toNumber(ev(a[0]!, scope))) + 0; // + 0 turns -0 into 0
    case 'number':
      return toNumber(a.length ? ev(a[0]!, scope) : read(scope.current, e));
    case 'string':
      return toText(a.length ? ev(a[0]!, scope) : read(scope.current, e));
    case 'round': {
      const x = toNumber(ev(a[0]!, scope));
      return a.length > 1 ? roundTo(x, toNumber(ev(a[1]!, scope))) : Math.floor(x + 0.5);
    }
    case 'concat': {
      let s = '';
      for (const x of a) {
        const part = toText(ev(x, scope));
        spend(part.length, e); // the text built, so chained concatenations cannot grow without bound
        s += part;
      }
      return s;
    }
    case 'contains':
      return toText(ev(a[0]!, scope)).includes(toText(ev(a[1]!, scope)));
    case 'starts-with':
      return toText(ev(a[0]!, scope)).startsWith(toText(ev(a[1]!, scope)));
    case 'substr': {
      const s = toText(ev(a[0]!, scope));
      const chars = codePoints(s);
      const len = chars ? chars.length : s.length;
      const start = clampIndex(toNumber(ev(a[1]!, scope)), len, 0);
      const end = a.length > 2 ? clampIndex(toNumber(ev(a[2]!, scope)), len, len) : len;
      if (end <= start) return '';
      return chars ? chars.slice(start, end).join('') : s.slice(start, end);
    }
    case 'date': {
      const v = ev(a[0]!, scope);
      if (v instanceof XDate) return new XDate(v.days, v.hasTime);
      if (typeof v === 'string' && v.length >= 10 && !NUMERIC.test(v)) {
        const days = stringToNumber(v);
        return Number.isNaN(days) ? '' : new XDate(days, v.length > 10);
      }
      const days = toNumber(v);
      return Number.isFinite(days) ? new XDate(days, !Number.isInteger(days)) : '';
    }
    case 'decimal-date-time':
      return toNumber(ev(a[0]!, scope));
    case 'format-date':
    case 'format-date-time':
      return formatDate(ev(a[0]!, scope), toText(ev(a[1]!, scope)), scope.offsetDays ?? 0, e);
    case 'pow':
      return toNumber(ev(a[0]!, scope)) ** toNumber(ev(a[1]!, scope));
    case 'abs':
      return Math.abs(toNumber(ev(a[0]!, scope)));
    case 'floor':
      return Math.floor(toNumber(ev(a[0]!, scope)));
    case 'ceiling':
      return Math.ceil(toNumber(ev(a[0]!, scope)));
    case 'random':
      return Math.random();
    case 'uuid':
      return globalThis.crypto.randomUUID();
    case 'position':
      return scope.position ?? 1;
    case 'indexed-repeat': {
      const path: { repeat: string; n: number }[] = [];
      for (let k = 1; k + 1 < a.length; k += 2)
        path.push({ repeat: (a[k] as { name: string }).name, n: toNumber(ev(a[k + 1]!, scope)) });
      return read(scope.indexed?.((a[0] as { name: string }).name, path) ?? '', e);
    }
    case 'sum': {
      let total = 0;
      for (const x of items(ev(a[0]!, scope))) if (!isEmpty(x)) total += toNumber(x);
      return total;
    }
    case 'count': {
      const v = ev(a[0]!, scope);
      return v instanceof NodeSet ? v.items.length : 1;
    }
    case 'max':
    case 'min': {
      let best = NaN;
      for (const arg of a)
        for (const x of items(ev(arg, scope))) {
          if (isEmpty(x)) continue;
          const y = toNumber(x);
          if (Number.isNaN(y)) return NaN;
          if (Number.isNaN(best) || (e.name === 'max' ? y > best : y < best)) best = y;
        }
      return best;
    }
    case 'join': {
      const sep = toText(ev(a[0]!, scope));
      const parts: string[] = [];
      for (const arg of a.slice(1)) {
        const v = ev(arg, scope);
        for (const x of v instanceof NodeSet ? v.items : isList(v) ? v : [v]) parts.push(toText(x));
      }
      const s = parts.join(sep);
      spend(s.length, e);
      return s;
    }
    case 'selected-at': {
      const list = listItems(ev(a[0]!, scope));
      const k = Math.trunc(toNumber(ev(a[1]!, scope)));
      return k >= 0 && k < list.length ? list[k]! : '';
    }
    case 'jr:choice-name': {
      const value = toText(ev(a[0]!, scope)).trim();
      const ref = toText(ev(a[1]!, scope)).trim();
      const question = /^\$\{(.+)\}$/.exec(ref)?.[1] ?? ref;
      const listName = scope.lists?.listOf(question);
      const list = listName === undefined ? undefined : scope.lists!.list(listName);
      if (!list) return '';
      spend(1, e);
      return byColumn(list, 'name').get(value)?.[0]?.label ?? '';
    }
    case 'pulldata': {
      const file = toText(ev(a[0]!, scope));
      const column = toText(ev(a[1]!, scope));
      const keyColumn = toText(ev(a[2]!, scope));
      const key = toText(ev(a[3]!, scope));
      const list = scope.lists?.list(`${file}.csv`) ?? scope.lists?.list(file);
      if (!list) return '';
      spend(1, e);
      const hit = byColumn(list, keyColumn).get(key)?.[0];
      return hit ? read(choiceColumn(hit, column), e) : '';
    }
  }
}

/** The items an aggregate works over: a node-set's, a list's (select_multiple), or the value alone. */
function items(v: ExprValue): readonly ExprValue[] {
  if (v instanceof NodeSet) return v.items;
  return [v];
}

function lookup(e: Extract<Expr, { kind: 'lookup' }>, scope: Scope): ExprValue {
  const list = scope.lists?.list(e.list);
  if (!list) return new NodeSet([]);
  if (!e.predicate) spend(list.length, e);
  const found = e.predicate ? filtered(list, e.predicate, scope) : list;
  const values = found.map((c) => choiceColumn(c, e.column));
  return read(new NodeSet(values), e);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/**
 * ODK's format-date: %Y year, %y two-digit year, %m month 01-12, %n month 1-12, %b month name (Jan),
 * %d day 01-31, %e day 1-31, %H hour 00-23, %h hour 0-23, %M minute, %S second, %3 milliseconds,
 * %a weekday (Mon). A date-time shows in the registry's time zone; a plain date at midnight.
 */
function formatDate(v: ExprValue, format: string, offsetDays: number, e: Expr): string {
  let days: number;
  let hasTime: boolean;
  if (v instanceof XDate) ({ days, hasTime } = v);
  else {
    const text = toText(v);
    days = toNumber(v);
    hasTime = typeof v === 'number' ? !Number.isInteger(v) : text.length > 10;
  }
  if (!Number.isFinite(days)) return '';
  const d = new Date((days + (hasTime ? offsetDays : 0)) * MS_PER_DAY);
  if (Number.isNaN(d.getTime())) return '';
  spend(format.length, e);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return format.replace(/%(.)/g, (whole, code: string) => {
    switch (code) {
      case 'Y':
        return String(d.getUTCFullYear());
      case 'y':
        return pad(d.getUTCFullYear() % 100);
      case 'm':
        return pad(d.getUTCMonth() + 1);
      case 'n':
        return String(d.getUTCMonth() + 1);
      case 'b':
        return MONTHS[d.getUTCMonth()]!;
      case 'd':
        return pad(d.getUTCDate());
      case 'e':
        return String(d.getUTCDate());
      case 'H':
        return pad(d.getUTCHours());
      case 'h':
        return String(d.getUTCHours());
      case 'M':
        return pad(d.getUTCMinutes());
      case 'S':
        return pad(d.getUTCSeconds());
      case '3':
        return pad(d.getUTCMilliseconds(), 3);
      case 'a':
        return WEEKDAYS[d.getUTCDay()]!;
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}
function clampIndex(x: number, len: number, fallback: number): number {
  if (Number.isNaN(x)) return fallback;
  const i = Math.trunc(x);
  return i < 0 ? Math.max(0, len + i) : Math.min(i, len);
}

/**
 * Evaluate an expression against plain answers (a convenience for previews and tests; compiled forms
 * use their own faster scope). `multi` names select_multiple questions so their strings split into lists.
 */
export function evaluateExpression(
  expr: Expr,
  answers: Answers,
  options: { current?: AnswerValue; ctx?: EvalContext; multi?: ReadonlySet<string> } = {},
): ExprValue {
  const clock = clockFor(options.ctx);
  const scope: Scope = {
    get: (name) =>
      answerToValue(Object.hasOwn(answers, name) ? answers[name] : undefined, options.multi?.has(name) ?? false),
    current: answerToValue(options.current),
    todayDays: clock.todayDays,
    nowDays: clock.nowDays,
    offsetDays: clock.offsetDays,
  };
  return evaluateWithScope(expr, scope);
}
