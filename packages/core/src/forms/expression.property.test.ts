import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateExpression, parseExpression, type ExprValue } from './expression.js';
import type { Answers } from './schema.js';

// Random arithmetic trees, printed with only the parentheses precedence needs, must parse back to
// something that evaluates like the tree itself.
type Arith =
  | { t: 'num'; v: number }
  | { t: 'neg'; e: Arith }
  | { t: 'bin'; op: '+' | '-' | '*' | 'div' | 'mod'; l: Arith; r: Arith };

const arith: fc.Arbitrary<Arith> = fc.letrec<{ node: Arith }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      t: fc.constant('num' as const),
      v: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(0.5, 2.25, 10.125)),
    }),
    fc.record({ t: fc.constant('neg' as const), e: tie('node') }),
    fc.record({
      t: fc.constant('bin' as const),
      op: fc.constantFrom('+' as const, '-' as const, '*' as const, 'div' as const, 'mod' as const),
      l: tie('node'),
      r: tie('node'),
    }),
  ),
})).node;

const power = { '+': 1, '-': 1, '*': 2, div: 2, mod: 2 } as const;
function print(e: Arith): string {
  switch (e.t) {
    case 'num':
      return String(e.v);
    case 'neg':
      // unary minus binds tighter than any binary operator
      return e.e.t === 'bin' ? `-(${print(e.e)})` : `- ${print(e.e)}`;
    case 'bin': {
      const p = power[e.op];
      const l = e.l.t === 'bin' && power[e.l.op] < p ? `(${print(e.l)})` : print(e.l);
      // left-associative: an equal-precedence right operand needs parentheses
      const r = e.r.t === 'bin' && power[e.r.op] <= p ? `(${print(e.r)})` : print(e.r);
      return `${l} ${e.op} ${r}`;
    }
  }
}
function reference(e: Arith): number {
  switch (e.t) {
    case 'num':
      return e.v;
    case 'neg':
      return -reference(e.e);
    case 'bin': {
      const l = reference(e.l);
      const r = reference(e.r);
      return e.op === '+' ? l + r : e.op === '-' ? l - r : e.op === '*' ? l * r : e.op === 'div' ? l / r : l % r;
    }
  }
}
const sameNumber = (a: number, b: number) => Object.is(a, b) || (a === 0 && b === 0) || a === b;

const TOKENS = [
  '${',
  '${a}',
  '}',
  '$',
  '{',
  'a',
  '(',
  ')',
  "'",
  '"',
  "'x'",
  '.',
  '..',
  '1',
  '2.5',
  '+',
  '-',
  '*',
  '/',
  'div',
  'mod',
  'and',
  'or',
  '=',
  '!=',
  '!',
  '<',
  '<=',
  '>',
  ',',
  ' ',
  'today',
  'today()',
  'regex',
  "'('",
  'not',
  'if',
  'selected',
  'concat',
  'null',
  '[',
  '|',
  '\u0000',
  '\u{1F44D}',
];

function mustBeExpressionError(src: string): void {
  try {
    parseExpression(src);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= src.length).toBe(true);
  }
}

describe('property: the parser and evaluator', () => {
  it('parses printed arithmetic back to the same value', () => {
    fc.assert(
      fc.property(arith, (tree) => {
        const src = print(tree);
        fc.pre(src.length <= 2000);
        const got = evaluateExpression(parseExpression(src), {}) as number;
        expect(typeof got).toBe('number');
        if (!sameNumber(got, reference(tree))) throw new Error(`${src}: ${got} != ${reference(tree)}`);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but ExpressionError, with an offset inside the source', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), mustBeExpressionError), { numRuns: 1000 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), (parts) =>
        mustBeExpressionError(parts.join('')),
      ),
      { numRuns: 3000 },
    );
  });

  it('evaluates whatever it parses without throwing', () => {
    const answers: Answers = { a: '2020-01-01' };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), (parts) => {
        let expr;
        try {
          expr = parseExpression(parts.join(''));
        } catch {
          return;
        }
        evaluateExpression(expr, answers, { current: 'x' });
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps comparisons consistent: a < b ⇔ b > a, a <= b ⇔ b >= a, a = b ⇔ b = a', () => {
    const value = fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.integer({ min: -50, max: 50 }).map(String),
      fc.constantFrom('', ' 3 ', '2.50', 'abc', 'yes', '2024-02-29', '2024-03-01', '2023-02-29', '1970-01-01'),
      fc.array(fc.constantFrom('1', '2', 'a', '2024-03-01'), { maxLength: 3 }),
      fc.string({ maxLength: 4 }),
    );
    const holds = (src: string, a: unknown, b: unknown): ExprValue =>
      evaluateExpression(parseExpression(src), { a, b } as Answers);
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(holds('${a} < ${b}', a, b)).toBe(holds('${b} > ${a}', a, b));
        expect(holds('${a} <= ${b}', a, b)).toBe(holds('${b} >= ${a}', a, b));
        expect(holds('${a} = ${b}', a, b)).toBe(holds('${b} = ${a}', a, b));
        expect(holds('${a} != ${b}', a, b)).toBe(holds('${b} != ${a}', a, b));
        // for plain (non-list) values: < implies <= and not >
        if (!Array.isArray(a) && !Array.isArray(b) && holds('${a} < ${b}', a, b) === true) {
          expect(holds('${a} <= ${b}', a, b)).toBe(true);
          expect(holds('${a} > ${b}', a, b)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
