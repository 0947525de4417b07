/**
 * Issue 9 item 6: no expression can freeze the API (or the browser). `regex()` runs on RE2 (linear
 * time), patterns that need backtracking are refused when the form is analysed, and every evaluation
 * spends from a bounded work budget.
 *
 * The catastrophic cases have a 2 s timeout and no duration assertion: under a backtracking engine they
 * take seconds to hours (each extra character doubles the time), so they fail by timing out.
 */
import { describe, expect, it } from 'vitest';
import { analyzeForm, compileForm, MAX_FORM_EVALUATION_WORK } from './engine.js';
import {
  EvaluationLimitError,
  MAX_EVALUATION_WORK,
  MAX_REGEX_PROGRAM,
  evaluateExpression,
  evaluateWithScope,
  parseExpression,
  type ExprValue,
} from './expression.js';
import type { AnswerValue, Answers, FormSchema, Question } from './schema.js';

const FAST = 2000;

const q = (name: string, extra: Partial<Question> = {}): Question => ({ name, type: 'text', label: name, ...extra });
function form(questions: Question[], choiceLists: FormSchema['choiceLists'] = {}): FormSchema {
  return { formId: 'redos', title: 'ReDoS', sections: [{ name: 'main', questions }], choiceLists };
}
function run(src: string, current: AnswerValue = '', answers: Answers = {}): ExprValue {
  return evaluateExpression(parseExpression(src), answers, { current });
}
/** `regex(., pattern)` as an expression: the pattern goes in a string literal as written (no escapes). */
const regex = (pattern: string) => (pattern.includes("'") ? `regex(., "${pattern}")` : `regex(., '${pattern}')`);

// The issue's "common name regex", and the textbook catastrophic one.
const NAME_REGEX = String.raw`^([a-zA-Z]+\s?)*$`;
const NESTED = '^(a+)+$';
// 30 characters and a "!": about 10 s each on this project's machines with a backtracking engine
const LONG_NAME = 'Oluwaseunfunmilayoadebayoakino';
const AS = 'a'.repeat(30);

describe('catastrophic patterns evaluate promptly', () => {
  it(
    'the name regex against 30 letters and a "!" is false (the answer that blocked the API)',
    () => {
      expect(run(regex(NAME_REGEX), `${LONG_NAME}!`)).toBe(false);
      expect(run(regex(NAME_REGEX), `${LONG_NAME} Ade`)).toBe(true);
    },
    FAST,
  );

  it(
    '^(a+)+$ against 30 a and a "!" is false',
    () => {
      expect(run(regex(NESTED), `${AS}!`)).toBe(false);
      expect(run(regex(NESTED), AS)).toBe(true);
    },
    FAST,
  );

  it(
    '(x+x+)+y against 30 x is false',
    () => {
      expect(run(regex('(x+x+)+y'), 'x'.repeat(30))).toBe(false);
      expect(run(regex('(x+x+)+y'), `${'x'.repeat(30)}y`)).toBe(true);
    },
    FAST,
  );

  it(
    'through the engine: the constraint fails with its own message, a good answer passes',
    () => {
      const compiled = compileForm(
        form([q('surname', { constraint: regex(NAME_REGEX), constraintMessage: 'Letters and spaces only' })]),
      );
      expect(compiled.validate({ surname: `${LONG_NAME}!` }).errors).toEqual([
        { field: 'surname', code: 'CONSTRAINT', message: 'Letters and spaces only' },
      ]);
      expect(compiled.validate({ surname: 'Adebayo Akinola' }).valid).toBe(true);
      // relevance and calculations use the same matcher
      const other = compileForm(
        form([
          q('name'),
          q('flag', { type: 'calculate', calculation: `if(regex(\${name}, '${NESTED}'), 'ok', 'bad')` }),
          q('why', { relevant: `not(regex(\${name}, '${NESTED}'))` }),
        ]),
      );
      const state = other.evaluate({ name: `${AS}!` });
      expect(state.values.flag).toBe('bad');
      expect(state.visibleQuestions.has('why')).toBe(true);
    },
    FAST,
  );

  it(
    'a pattern taken from an answer is matched the same way',
    () => {
      expect(run('regex(., ${p})', `${AS}!`, { p: NESTED })).toBe(false);
      expect(run('regex(., ${p})', AS, { p: NESTED })).toBe(true);
    },
    FAST,
  );
});

describe('regex semantics (as JavaScript RegExp, which the engine used before)', () => {
  // Patterns written as for RegExp, the inputs they are checked against, and RegExp as the reference.
  const cases: [string, string[]][] = [
    ['^[0][7-9][0-1][0-9]{8}$', ['08031234567', '0803123456', '18031234567', 'x08031234567']],
    ['^[0-9]+$', ['12345678901', '123a', '']],
    ['[0-9]', ['abc1', 'abc']], // a match anywhere, as ODK's regex() does
    [String.raw`^\d{11}$`, ['12345678901', '1234567890a']],
    [String.raw`^[A-Za-z][A-Za-z' -]{1,49}$`, ["O'Brien Ade-Bayo", '1abc', 'A']],
    [String.raw`^[^@\s]+@[^@\s]+\.[^@\s]+$`, ['a@b.ng', 'a@b', 'a b@c.ng']],
    [String.raw`^\w+$`, ['abc_123', 'abc-1', 'é']],
    [String.raw`\bOyo\b`, ['in Oyo state', 'Oyoko']],
    ['a$', ['a', 'a\n', 'ba']],
    ['^b', ['b', 'a\nb']],
    ['^.{3}$', ['abc', 'ab', 'abcd']],
    ['colou?r', ['color', 'colour', 'colr']],
    [String.raw`^(?:\+234|0)[789][01]\d{8}$`, ['+2348031234567', '08031234567', '0603123456']],
    [String.raw`^\u00e9t\u00e9$`, ['été', 'ete']],
    [String.raw`^(?<year>\d{4})-(?<month>\d{2})$`, ['2026-05', '26-05']],
    ['^[^]$', ['x', '']],
    [String.raw`^\/path\-x$`, ['/path-x', 'path-x']],
    ['^a{2,}$', ['aa', 'a', 'aaaa']],
    ['^(yes|no)$', ['yes', 'no', 'maybe']],
    [String.raw`^\s*$`, ['  ', ' x ']],
  ];
  for (const [pattern, inputs] of cases)
    it(`${pattern}`, () => {
      const native = new RegExp(pattern);
      for (const input of inputs) expect([input, run(regex(pattern), input)]).toEqual([input, native.test(input)]);
    });

  it('inline flags, which RegExp lacks, work as in ODK (Java)', () => {
    expect(run(regex('(?i)^oyo$'), 'OYO')).toBe(true);
  });

  it('matches by character, not by UTF-16 unit (as string-length counts)', () => {
    expect(run(regex('^.$'), '😀')).toBe(true);
    expect(run("string-length('😀')")).toBe(1);
  });
});

describe('patterns without a linear-time match are refused when the form is analysed', () => {
  const refused: [string, RegExp][] = [
    [String.raw`^(a)\1$`, /backreference \\1/],
    [String.raw`^(?<x>a)\k<x>$`, /backreference \\k<x>/],
    ['^(?=.*[0-9])[a-z0-9]+$', /lookahead '\(\?=…\)'/],
    ['^(?!0)[0-9]+$', /lookahead '\(\?!…\)'/],
    ['(?<=N)[0-9]+', /lookbehind '\(\?<=…\)'/],
    ['(?<!-)[0-9]+', /lookbehind '\(\?<!…\)'/],
  ];
  for (const [pattern, what] of refused)
    it(`${pattern}`, () => {
      const issues = analyzeForm(form([q('a'), q('b', { constraint: `${regex(pattern)} and . != 'x'` })]));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ field: 'sections.0.questions.1.constraint', code: 'EXPRESSION_INVALID' });
      expect(issues[0]!.message).toMatch(/^Invalid constraint expression: Regular expression not supported: /);
      expect(issues[0]!.message).toMatch(what);
      expect(issues[0]!.message).toMatch(/linear time/);
    });

  it('refuses a pattern whose program is too large, and plain syntax errors as before', () => {
    const big = '.{1000}'.repeat(3);
    const [issue] = analyzeForm(form([q('a', { relevant: `regex('x', '${big}')` })]));
    expect(issue).toMatchObject({ field: 'sections.0.questions.0.relevant', code: 'EXPRESSION_INVALID' });
    expect(issue!.message).toMatch(new RegExp(`too complex .*at most ${MAX_REGEX_PROGRAM.toLocaleString('en')}`));
    expect(analyzeForm(form([q('a', { relevant: `regex('x', '^.{0,1000}$')` })]))).toEqual([]);
    expect(analyzeForm(form([q('a', { constraint: regex('[a-') })]))[0]!.message).toMatch(
      /Invalid regular expression: missing closing \]/,
    );
  });

  it('a backreference or lookahead taken from an answer is simply false, never an error', () => {
    expect(run('regex(., ${p})', 'aa', { p: String.raw`^(a)\1$` })).toBe(false);
    expect(run('regex(., ${p})', 'a1', { p: '(?=.*1)' })).toBe(false);
  });
});

describe('every evaluation is bounded', () => {
  it(
    'a large pattern on a long answer runs out of work instead of running on',
    () => {
      // 2,004 instructions × 10,000 characters: RE2's worst case is far past the budget
      const e = parseExpression(regex('^.{0,1000}$'));
      const answer = 'a1'.repeat(5000);
      expect(() => evaluateExpression(e, {}, { current: answer })).toThrow(EvaluationLimitError);
      expect(() => evaluateExpression(e, {}, { current: answer })).toThrow(/more work than one evaluation may do/);
      // the same pattern on a short answer is fine
      expect(evaluateExpression(e, {}, { current: 'a1b2!' })).toBe(true);
    },
    FAST,
  );

  it('text built by concat cannot grow without bound (no hang, no "Invalid string length")', () => {
    const grow = (from: string) => `concat(${Array.from({ length: 100 }, () => `\${${from}}`).join(',')})`;
    const compiled = compileForm(
      form([
        q('seed'),
        q('c1', { type: 'calculate', calculation: grow('seed') }),
        q('c2', { type: 'calculate', calculation: grow('c1') }),
        q('c3', { type: 'calculate', calculation: grow('c2') }),
        q('c4', { type: 'calculate', calculation: grow('c3') }),
        q('check', { constraint: `string-length(\${c4}) > 0` }),
      ]),
    );
    const result = compiled.validate({ seed: 'x'.repeat(1000), check: 'y' });
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'c2', code: 'EVALUATION_LIMIT' })]),
    );
    expect(result.errors.find((x) => x.field === 'c2')!.message).toMatch(/calculation expression needs more work/);
    // evaluate() gives a state all the same (the calculation that ran out is empty)
    expect(compiled.evaluate({ seed: 'x'.repeat(1000) }).values.c2).toBe('');
  });

  it('comparing two long lists pays per pair of items', () => {
    const choices = Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, label: `C${i}` }));
    const compiled = compileForm(
      form(
        [
          q('m1', { type: 'select_multiple', choiceList: 'many' }),
          q('m2', { type: 'select_multiple', choiceList: 'many', constraint: '. != ${m1}' }),
        ],
        { many: choices },
      ),
    );
    const all = choices.map((c) => c.name);
    expect(compiled.validate({ m1: all, m2: all }).errors).toEqual([
      expect.objectContaining({ field: 'm2', code: 'EVALUATION_LIMIT' }),
    ]);
    expect(compiled.validate({ m1: ['c1'], m2: ['c2'] }).valid).toBe(true);
  });

  it('the whole form shares a budget too', () => {
    // each constraint costs about 1,004 × 1,001 ≈ 1M units, under the per-expression limit; 40 of them are not
    const perQuestion = 1_004 * 1_001;
    expect(perQuestion).toBeLessThan(MAX_EVALUATION_WORK);
    const n = 40;
    expect(n * perQuestion).toBeGreaterThan(MAX_FORM_EVALUATION_WORK);
    const compiled = compileForm(
      form(Array.from({ length: n }, (_, i) => q(`t${i}`, { constraint: regex('^.{0,500}$') }))),
    );
    const answers = Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 'z'.repeat(1000)]));
    const { errors } = compiled.validate(answers);
    const limited = errors.filter((x) => x.code === 'EVALUATION_LIMIT');
    const failed = errors.filter((x) => x.code === 'CONSTRAINT');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length + failed.length).toBe(n);
    expect(limited[0]!.message).toMatch(/together need more work/);
  });

  it('a budget can be given, and what is left stays in it', () => {
    const e = parseExpression("concat(., 'abc')");
    const scope = { get: () => '', current: 'xy', todayDays: 0, nowDays: 0 };
    const budget = { left: 100 };
    expect(evaluateWithScope(e, scope, budget)).toBe('xyabc');
    expect(budget.left).toBe(100 - 3 - 2 - 5); // 3 nodes, 2 characters read, 5 built
    expect(() => evaluateWithScope(e, scope, { left: 9 })).toThrow(EvaluationLimitError);
    try {
      evaluateWithScope(e, scope, { left: 9 });
    } catch (err) {
      expect((err as EvaluationLimitError).offset).toBe(0); // at the concat
    }
  });

  it('real questionnaires stay far inside the budget', () => {
    const e = parseExpression("string-length(.) = 11 and regex(., '^[0-9]+$')");
    const budget = { left: MAX_EVALUATION_WORK };
    expect(evaluateWithScope(e, { get: () => '', current: '08031234567', todayDays: 0, nowDays: 0 }, budget)).toBe(
      true,
    );
    expect(MAX_EVALUATION_WORK - budget.left).toBeLessThan(200);
  });
});
