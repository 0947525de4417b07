import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  evaluateExpression,
  parseExpression,
  referencedFields,
  toText,
  type EvalContext,
  type Expr,
  type ExprValue,
} from './expression.js';
import type { AnswerValue, Answers } from './schema.js';

/** Every expression in the registry's two real XLSForms. */
const REAL_EXPRESSIONS = [
  "once(if(${device_id} != null, 'enumerator', 'public'))",
  "${consent_basic} = 'yes'",
  '. <= today()',
  'int((today() - ${dob}) div 365.25)',
  "regex(., '^[0][7-9][0-1][0-9]{8}$')",
  "string-length(.) = 11 and regex(., '^[0-9]+$')",
  '${age} >= 15',
  "${employment_status} = 'no'",
  "${employment_status} = 'yes' or ${temp_absent} = 'yes'",
  '. >= 0 and . <= 168',
  '${age} < 15',
  'string-length(.) <= 200',
  '. > 0',
  '. < ${household_size}',
];

const ctx: EvalContext = { today: new Date('2026-05-01T12:00:00Z') };
function run(src: string, answers: Answers = {}, current?: AnswerValue, multi?: string[]): ExprValue {
  return evaluateExpression(parseExpression(src), answers, { current, ctx, multi: new Set(multi) });
}
function parseError(src: string): ExpressionError {
  try {
    parseExpression(src);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected ${JSON.stringify(src)} not to parse`);
}
/** A compact, fully parenthesised rendering of the AST, to check the tree's shape. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return `'${e.value}'`;
    case 'empty':
      return 'null';
    case 'field':
      return `\${${e.name}}`;
    case 'current':
      return '.';
    case 'negate':
      return `(-${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`;
    case 'parent':
      return '..';
    case 'column':
      return `@${e.name}`;
    case 'lookup':
      return `instance('${e.list}')[${e.predicate ? show(e.predicate) : ''}]/${e.column}`;
  }
}

describe('the registry forms’ expressions', () => {
  it('all parse, and name the fields they use', () => {
    const refs = REAL_EXPRESSIONS.map((src) => referencedFields(parseExpression(src)));
    expect(refs).toEqual([
      ['device_id'],
      ['consent_basic'],
      [],
      ['dob'],
      [],
      [],
      ['age'],
      ['employment_status'],
      ['employment_status', 'temp_absent'],
      [],
      ['age'],
      [],
      [],
      ['household_size'],
    ]);
  });

  it('form_mode: enumerator when a device id is present, public otherwise, and set only once', () => {
    const src = REAL_EXPRESSIONS[0]!;
    expect(run(src, { device_id: 'abc-123' })).toBe('enumerator');
    expect(run(src, {})).toBe('public');
    expect(run(src, { device_id: '' })).toBe('public');
    expect(run(src, { device_id: null })).toBe('public');
    // once(): an existing value is kept
    expect(run(src, { device_id: 'abc' }, 'public')).toBe('public');
  });

  it('consent and employment conditions', () => {
    expect(run("${consent_basic} = 'yes'", { consent_basic: 'yes' })).toBe(true);
    expect(run("${consent_basic} = 'yes'", { consent_basic: 'no' })).toBe(false);
    expect(run("${consent_basic} = 'yes'", {})).toBe(false);
    const either = REAL_EXPRESSIONS[8]!;
    expect(run(either, { employment_status: 'yes' })).toBe(true);
    expect(run(either, { employment_status: 'no', temp_absent: 'yes' })).toBe(true);
    expect(run(either, { employment_status: 'no', temp_absent: 'no' })).toBe(false);
    expect(run(either, {})).toBe(false);
    expect(run("${employment_status} = 'no'", { employment_status: 'no' })).toBe(true);
  });

  it('dates: a date of birth is not in the future; age in whole years from today()', () => {
    expect(run('. <= today()', {}, '2000-06-15')).toBe(true);
    expect(run('. <= today()', {}, '2026-05-01')).toBe(true);
    expect(run('. <= today()', {}, '2026-05-02')).toBe(false);
    const age = 'int((today() - ${dob}) div 365.25)';
    expect(run(age, { dob: '2000-06-15' })).toBe(25);
    expect(run(age, { dob: '2000-04-30' })).toBe(26);
    expect(run(age, { dob: '2011-05-02' })).toBe(14);
    expect(run('today() - ${dob}', { dob: '2026-04-01' })).toBe(30);
    expect(Number.isNaN(run(age, {}))).toBe(true);
    expect(run('${age} >= 15', { age: 15 })).toBe(true);
    expect(run('${age} >= 15', { age: '14' })).toBe(false);
    expect(run('${age} < 15', { age: 14 })).toBe(true);
    // no age (no dob): neither branch
    expect(run('${age} >= 15', {})).toBe(false);
    expect(run('${age} < 15', {})).toBe(false);
  });

  it('phone and NIN patterns, lengths and ranges', () => {
    const phone = REAL_EXPRESSIONS[4]!;
    expect(run(phone, {}, '08031234567')).toBe(true);
    expect(run(phone, {}, '07011234567')).toBe(true);
    expect(run(phone, {}, '0803123456')).toBe(false);
    expect(run(phone, {}, '06031234567')).toBe(false);
    expect(run(phone, {}, '+2348031234567')).toBe(false);
    const nin = REAL_EXPRESSIONS[5]!;
    expect(run(nin, {}, '48213957062')).toBe(true);
    expect(run(nin, {}, '4821395706')).toBe(false);
    expect(run(nin, {}, '4821395706a')).toBe(false);
    const hours = REAL_EXPRESSIONS[9]!;
    expect(run(hours, {}, 0)).toBe(true);
    expect(run(hours, {}, '168')).toBe(true);
    expect(run(hours, {}, 169)).toBe(false);
    expect(run(hours, {}, -1)).toBe(false);
    expect(run('string-length(.) <= 200', {}, 'x'.repeat(200))).toBe(true);
    expect(run('string-length(.) <= 200', {}, 'x'.repeat(201))).toBe(false);
    expect(run('. > 0', {}, 1)).toBe(true);
    expect(run('. > 0', {}, '0')).toBe(false);
    expect(run('. < ${household_size}', { household_size: 5 }, 4)).toBe(true);
    expect(run('. < ${household_size}', { household_size: '5' }, '5')).toBe(false);
    expect(run('. < ${household_size}', {}, 1)).toBe(false);
  });
});

describe('parser', () => {
  it('follows XPath precedence', () => {
    expect(show(parseExpression('1 + 2 * 3'))).toBe('(1 + (2 * 3))');
    expect(run('1 + 2 * 3')).toBe(7);
    expect(show(parseExpression('(1 + 2) * 3'))).toBe('((1 + 2) * 3)');
    expect(show(parseExpression('${a} or ${b} and ${c}'))).toBe('(${a} or (${b} and ${c}))');
    expect(show(parseExpression('${a} and ${b} or ${c}'))).toBe('((${a} and ${b}) or ${c})');
    expect(show(parseExpression('1 - 2 - 3'))).toBe('((1 - 2) - 3)');
    expect(run('1 - 2 - 3')).toBe(-4);
    expect(show(parseExpression('8 div 4 div 2'))).toBe('((8 div 4) div 2)');
    expect(show(parseExpression('-2 * 3'))).toBe('((-2) * 3)');
    expect(show(parseExpression('- - 1'))).toBe('(-(-1))');
    expect(run('--1')).toBe(1);
    expect(run('-(1 + 2) * 3')).toBe(-9);
    expect(run('7 mod 3')).toBe(1);
    expect(run('-7 mod 3')).toBe(-1);
    expect(show(parseExpression('1 < 2 = 3 > 4'))).toBe('((1 < 2) = (3 > 4))');
    expect(show(parseExpression('1 + 2 < 4 and . != 3'))).toBe('(((1 + 2) < 4) and (. != 3))');
    expect(show(parseExpression("not(selected(${f}, 'a'))"))).toBe("not(selected(${f}, 'a'))");
    expect(show(parseExpression('null'))).toBe('null');
    expect(show(parseExpression('"double" = \'single\''))).toBe("('double' = 'single')");
    expect(show(parseExpression('.5 + 1.'))).toBe('(0.5 + 1)');
  });

  it('reports malformed input with the offset and what was expected', () => {
    const cases: [string, number, RegExp][] = [
      ['${', 2, /field name/],
      ['${a', 3, /Expected '}'/],
      ['${a b}', 3, /Expected '}'/],
      ['$a', 1, /Expected '\{'/],
      ['(1 + 2', 6, /Expected '\)'.*end of input/],
      ['1 +', 3, /Expected an expression after '\+' at offset 3/],
      ['1 + * 2', 4, /Expected an expression/],
      ["'unterminated", 0, /Unterminated string/],
      ['"unterminated', 0, /Unterminated string/],
      ['foo(', 0, /Unknown function 'foo'/],
      ['foo(1)', 0, /Unknown function 'foo'/],
      ['not(', 4, /Expected an expression/],
      ['not(1', 5, /Expected ',' or '\)'/],
      ['not(1, 2)', 0, /'not' takes 1 argument, got 2/],
      ['if(1, 2)', 0, /'if' takes 3 arguments, got 2/],
      ['today(1)', 0, /'today' takes 0 arguments, got 1/],
      ['round()', 0, /'round' takes 1 to 2 arguments, got 0/],
      ["regex(., '(')", 9, /Invalid regular expression/],
      ["regex(., '[a-')", 9, /Invalid regular expression/],
      ['1 2', 2, /Expected an operator or end of input/],
      ['(1))', 3, /Expected no more input/],
      ['', 0, /Expected an expression/],
      ['   ', 3, /Expected an expression/],
      ['age > 1', 0, /Unsupported name 'age'.*\$\{age\}/],
      ['today', 5, /Expected '\(' after function 'today'/],
      ['/data/age', 0, /Paths/],
      ['../', 3, /Expected '\.\.' or a question name/],
      ['1 ! 2', 2, /Unexpected character/],
      ['1 & 2', 2, /Unexpected character/],
      ['and 1', 0, /operator 'and'/],
      ['1 , 2', 2, /Expected an operator/],
    ];
    for (const [src, offset, message] of cases) {
      const e = parseError(src);
      expect(e.offset, src).toBe(offset);
      expect(e.message, src).toMatch(message);
      expect(e.message, src).toContain(`offset ${offset}`);
    }
  });

  it('caps the length and the nesting depth', () => {
    expect(() => parseExpression('1' + ' + 1'.repeat(499))).not.toThrow(); // 1997 characters
    const long = parseError('1' + ' + 1'.repeat(500));
    expect(long.message).toMatch(/longer than 2000/);
    expect(long.offset).toBe(MAX_EXPRESSION_LENGTH);
    const ok = '('.repeat(MAX_EXPRESSION_DEPTH) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH);
    expect(run(ok)).toBe(1);
    const deep = '('.repeat(MAX_EXPRESSION_DEPTH + 1) + '1' + ')'.repeat(MAX_EXPRESSION_DEPTH + 1);
    expect(parseError(deep).message).toMatch(/nested too deeply/);
    expect(parseError('-'.repeat(200) + '1').message).toMatch(/nested too deeply/);
    expect(parseError('not('.repeat(100) + '1' + ')'.repeat(100)).message).toMatch(/nested too deeply/);
    // a long flat chain is fine (bounded by the length cap)
    expect(run(Array.from({ length: 300 }, () => '1').join(' + '))).toBe(300);
  });

  it('compiles literal regex patterns once and refuses oversized ones', () => {
    const e = parseExpression("regex(., '^a+$')");
    expect(e.kind === 'call' && e.regex?.size).toBeGreaterThan(0);
    expect(parseError(`regex(., '${'a'.repeat(1001)}')`).message).toMatch(/longer than 1000/);
    // a dynamic pattern is compiled at run time; an invalid one is simply false
    expect(run('regex(., ${p})', { p: '^b' }, 'bcd')).toBe(true);
    expect(run('regex(., ${p})', { p: '(' }, 'bcd')).toBe(false);
  });
});

describe('evaluation semantics', () => {
  it('treats empty answers as empty strings, and NaN as incomparable', () => {
    expect(run('${x} = ""')).toBe(true);
    expect(run('${x} = null')).toBe(true);
    expect(run('${x} != null', { x: 'a' })).toBe(true);
    expect(Number.isNaN(run('${x} + 1'))).toBe(true);
    for (const op of ['<', '<=', '>', '>=', '=']) expect(run(`\${x} + 1 ${op} 1`, {}), op).toBe(false);
    expect(run('${x} + 1 != 1')).toBe(true); // XPath: != is the negation of =
  });

  it('compares numerically when one side is a number or both look like numbers', () => {
    expect(run('${a} = 5', { a: '5' })).toBe(true);
    expect(run('${a} = ${b}', { a: '5', b: '5.0' })).toBe(true);
    expect(run('${a} = ${b}', { a: 'abc', b: 'abc' })).toBe(true);
    expect(run('${a} = ${b}', { a: 'abc', b: 'ABC' })).toBe(false);
    expect(run("${a} = '10'", { a: 10 })).toBe(true);
    expect(run("'10' > '9'")).toBe(true);
    expect(run("'b' > 'a'")).toBe(false); // XPath: relational comparison is numeric
    expect(run("${a} > ' 3 '", { a: '4' })).toBe(true);
  });

  it('compares dates as dates and does date arithmetic in days', () => {
    expect(run('${a} < ${b}', { a: '2020-01-31', b: '2020-02-01' })).toBe(true);
    expect(run('${a} = ${b}', { a: '2020-02-01', b: '2020-02-01' })).toBe(true);
    expect(run("${a} = date('2020-02-01')", { a: '2020-02-01' })).toBe(true);
    expect(run("date('2020-02-01') - date('2020-01-01')")).toBe(31);
    expect(run("'1970-01-02' + 0")).toBe(1);
    expect(toText(run('today()'))).toBe('2026-05-01');
    expect(toText(run('date(today() + 1)'))).toBe('2026-05-02');
    expect(run("decimal-date-time('1970-01-02T12:00:00Z')")).toBe(1.5);
    expect(toText(run("date('not a date')"))).toBe('');
    expect(Number.isNaN(run("'2020-02-30' + 0"))).toBe(true); // not a calendar date
    const at = { now: new Date('2026-05-01T10:30:00Z') };
    expect(toText(evaluateExpression(parseExpression('now()'), {}, { ctx: at }))).toBe('2026-05-01T10:30:00.000Z');
    // today() is the day in West Africa Time (UTC+1) by default
    const lateUtc = { today: new Date('2026-05-01T23:30:00Z') };
    expect(toText(evaluateExpression(parseExpression('today()'), {}, { ctx: lateUtc }))).toBe('2026-05-02');
    expect(
      toText(evaluateExpression(parseExpression('today()'), {}, { ctx: { ...lateUtc, utcOffsetMinutes: 0 } })),
    ).toBe('2026-05-01');
  });

  it('handles select_multiple values', () => {
    const a = { f: 'plumbing welding', g: ['tailoring', 'baking'] };
    const multi = ['f', 'g'];
    expect(run("selected(${f}, 'welding')", a, undefined, multi)).toBe(true);
    expect(run("selected(${f}, 'weld')", a, undefined, multi)).toBe(false);
    expect(run("selected(${g}, 'baking')", a, undefined, multi)).toBe(true);
    expect(run("selected(${f}, 'welding')", a)).toBe(true); // even without knowing it is a multi
    expect(run('count-selected(${f})', a, undefined, multi)).toBe(2);
    expect(run('count-selected(${g})', a, undefined, multi)).toBe(2);
    expect(run('count-selected(${h})', a, undefined, multi)).toBe(0);
    expect(run("${g} = 'baking'", a, undefined, multi)).toBe(true);
    expect(run("${f} = 'plumbing'", a, undefined, multi)).toBe(true);
    expect(run("${f} = 'masonry'", a, undefined, multi)).toBe(false);
    expect(run('boolean(${h})', {}, undefined, ['h'])).toBe(false);
  });

  it('converts to boolean the XPath way', () => {
    expect(run("boolean('')")).toBe(false);
    expect(run("boolean('false')")).toBe(true);
    expect(run('boolean(0)')).toBe(false);
    expect(run('boolean(0 div 0)')).toBe(false);
    expect(run('boolean(-3)')).toBe(true);
    expect(run('true() and not(false())')).toBe(true);
    expect(run('${x} = true()', { x: 'yes' })).toBe(true);
  });

  it('implements the string and number functions', () => {
    expect(run("concat('a', 1, ${x}, 'b')", { x: 2.5 })).toBe('a12.5b');
    expect(run('concat()')).toBe('');
    expect(run("contains('tailoring', 'lor')")).toBe(true);
    expect(run("starts-with('tailoring', 'tai')")).toBe(true);
    expect(run("starts-with('tailoring', 'lor')")).toBe(false);
    expect(run("substr('abcdef', 1, 3)")).toBe('bc');
    expect(run("substr('abcdef', 2)")).toBe('cdef');
    expect(run("substr('abcdef', 4, 100)")).toBe('ef');
    expect(run("string-length('héllo')")).toBe(5);
    expect(run("string-length('👍🏽')")).toBe(2); // code points, not UTF-16 units
    expect(run('string-length()', {}, 'abc')).toBe(3);
    expect(run('string(12)')).toBe('12');
    expect(run("number('12.5')")).toBe(12.5);
    expect(Number.isNaN(run("number('12abc')"))).toBe(true);
    expect(Number.isNaN(run("number('0x10')"))).toBe(true);
    expect(run('int(-3.7)')).toBe(-3);
    expect(run('round(2.5)')).toBe(3);
    expect(run('round(1.005, 2)')).toBe(1.01);
    expect(run('round(-1.25, 1)')).toBe(-1.3);
    expect(run('round(1234.5, -2)')).toBe(1200);
    expect(run("coalesce(${a}, 'fallback')")).toBe('fallback');
    expect(run("coalesce(${a}, 'fallback')", { a: 'x' })).toBe('x');
    expect(run("if(${a} = 'x', 1, 2)", { a: 'x' })).toBe(1);
    expect(run('1 div 0')).toBe(Infinity);
  });

  it('does not read inherited properties as answers', () => {
    expect(run('${constructor} = ""', {})).toBe(true);
    expect(run('${toString}', {})).toBe('');
  });
});

describe('XLSForm functions and paths (issue 14)', () => {
  it('parses ../ paths, position(..), jr:choice-name, instance() look-ups and choice-filter columns', () => {
    expect(show(parseExpression('../age + ../../x'))).toBe('(${age} + ${x})');
    expect(referencedFields(parseExpression('../age > ${min}'))).toEqual(['age', 'min']);
    expect(show(parseExpression('position(..) - 1'))).toBe('(position(..) - 1)');
    expect(show(parseExpression("jr:choice-name(${c}, '${c}')"))).toBe("jr:choice-name(${c}, '${c}')");
    expect(show(parseExpression("instance('lgas')/root/item[state = ${s} and name != 'x']/label"))).toBe(
      "instance('lgas')[((@state = ${s}) and (@name != 'x'))]/label",
    );
    expect(show(parseExpression("instance('lgas')/root/item"))).toBe("instance('lgas')[]/name");
    expect(referencedFields(parseExpression("instance('l')/root/item[a = ${s}]/b"))).toEqual(['s']);
    expect(show(parseExpression('state=${state}', { columns: true }))).toBe('(@state = ${state})');
    // bare names stay refused outside filters and predicates
    expect(parseError('state = 1').message).toMatch(/Unsupported name 'state'/);
    expect(parseError('1 / 2').message).toMatch(/Paths \('\/'\) are not supported/);
    expect(parseError("instance('x')/root/other").message).toMatch(/Expected \/root\/item/);
    expect(parseError("indexed-repeat('a', ${r}, 1)").message).toMatch(/indexed-repeat\(\) takes/);
    expect(parseError('count(1, 2)').message).toMatch(/'count' takes 1 argument/);
  });

  it('format-date with ODK codes; date, decimal-date-time, today, now', () => {
    const d = "date('2026-03-07')";
    expect(run(`format-date(${d}, '%Y-%m-%d %y %n %e %b %a')`)).toBe('2026-03-07 26 3 7 Mar Sat');
    expect(run("format-date('2026-12-25', '%d/%m/%Y')")).toBe('25/12/2026');
    // a date-time shows in the registry's time zone (West Africa Time, UTC+1)
    expect(run("format-date-time('2026-05-01T10:04:09.250Z', '%H:%M:%S.%3 %h')")).toBe('11:04:09.250 11');
    expect(run("format-date(now(), '%Y-%m-%d %H:%M')")).toBe('2026-05-01 13:00');
    expect(run("format-date('not a date', '%Y')")).toBe('');
    expect(run("format-date(${d}, '100%% %Q')", { d: '2026-01-02' })).toBe('100% %Q');
    expect(run("decimal-date-time('1970-01-02')")).toBe(1);
    expect(toText(run('today()'))).toBe('2026-05-01');
    expect(toText(run('date(today() + 1)'))).toBe('2026-05-02');
  });

  it('numbers and text: pow, round, int, number, abs, floor, ceiling, substr, string-length, concat, coalesce', () => {
    expect(run('pow(2, 10)')).toBe(1024);
    expect(run('pow(${x}, 0.5)', { x: 9 })).toBe(3);
    expect(run('round(2.345, 2)')).toBe(2.35);
    expect(run('int(-3.7)')).toBe(-3);
    expect(run("number('4.5') + 1")).toBe(5.5);
    expect(run('abs(-2) + floor(1.9) + ceiling(1.1)')).toBe(5);
    expect(run("substr('abcdef', 1, 3)")).toBe('bc');
    expect(run("string-length('héllo')")).toBe(5);
    expect(run("concat('a', 1, ${x})", { x: 'z' })).toBe('a1z');
    expect(run("coalesce(${a}, 'none')", {})).toBe('none');
    expect(run("coalesce(${a}, 'none')", { a: 'x' })).toBe('x');
    const r = run('random()') as number;
    expect(r >= 0 && r < 1).toBe(true);
    expect(run('once(random())', {}, 0.5)).toBe(0.5);
    expect(run('string-length(uuid())')).toBe(36);
  });

  it('selects: count-selected, selected-at, join over a list', () => {
    const multi = ['m'];
    expect(run('count-selected(${m})', { m: ['a', 'b', 'c'] }, undefined, multi)).toBe(3);
    expect(run('selected-at(${m}, 1)', { m: 'a b c' }, undefined, multi)).toBe('b');
    expect(run('selected-at(${m}, 5)', { m: 'a b c' }, undefined, multi)).toBe('');
    expect(run("join('-', ${m})", { m: ['a', 'b'] }, undefined, multi)).toBe('a-b');
  });

  it('outside a form (no repeats, no lists) look-ups and aggregates fall back to empty', () => {
    expect(toText(run("instance('x')/root/item[name = 'a']/label"))).toBe('');
    expect(run("count(instance('x')/root/item)")).toBe(0);
    expect(run("pulldata('f', 'c', 'k', 'v')")).toBe('');
    expect(run('position(..)')).toBe(1);
    expect(run('sum(${a})', { a: 4 })).toBe(4);
    expect(run('max(3, ${a}, 7)', { a: 9 })).toBe(9);
    expect(run('min(3, ${a}, 7)', { a: '' })).toBe(3);
    expect(Number.isNaN(run("max(1, 'x')"))).toBe(true);
  });
});
