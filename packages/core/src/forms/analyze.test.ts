import { describe, expect, it } from 'vitest';
import { FormInvalidError, analyzeForm, compileForm } from './engine.js';
import { MASTER_FORM } from './fixtures/master.js';
import type { FormSchema, Question, Section } from './schema.js';

const yesNo = [
  { name: 'yes', label: 'Yes' },
  { name: 'no', label: 'No' },
];
function form(sections: Section[], choiceLists: FormSchema['choiceLists'] = { yes_no: yesNo }): FormSchema {
  return { formId: 'test_form', title: 'Test', sections, choiceLists };
}
const q = (name: string, extra: Partial<Question> = {}): Question => ({ name, type: 'text', label: name, ...extra });
const codes = (f: FormSchema) => analyzeForm(f).map((i) => [i.code, i.field]);

describe('analyzeForm', () => {
  it('finds nothing wrong with the master questionnaire', () => {
    expect(analyzeForm(MASTER_FORM)).toEqual([]);
  });

  it('reports a reference to a field that is not a question', () => {
    const f = form([{ name: 's', questions: [q('a'), q('b', { relevant: "${nope} = 'x'" })] }]);
    const issues = analyzeForm(f);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'sections.0.questions.1.relevant' });
    expect(issues[0]!.message).toContain('${nope}');
    // a section name is not a question either
    expect(codes(form([{ name: 's', questions: [q('a', { constraint: '${s} = 1' })] }]))).toEqual([
      ['UNKNOWN_FIELD', 'sections.0.questions.0.constraint'],
    ]);
  });

  it('names a cycle of calculations', () => {
    const f = form([
      {
        name: 's',
        questions: [
          q('x'),
          q('a', { type: 'calculate', calculation: '${b} + 1' }),
          q('b', { type: 'calculate', calculation: '${a} + ${x}' }),
        ],
      },
    ]);
    const issues = analyzeForm(f);
    expect(issues).toEqual([
      {
        field: 'sections.0.questions.1.calculation',
        code: 'CIRCULAR_CALCULATION',
        message: 'Calculations depend on each other in a cycle: a → b → a',
      },
    ]);
    const three = form([
      {
        name: 's',
        questions: [
          q('a', { type: 'calculate', calculation: '${c}' }),
          q('b', { type: 'calculate', calculation: '${a}' }),
          q('c', { type: 'calculate', calculation: '${b}' }),
        ],
      },
    ]);
    expect(analyzeForm(three).map((i) => i.message)).toEqual([
      'Calculations depend on each other in a cycle: a → c → b → a',
    ]);
  });

  it('reports cycles through relevance', () => {
    const f = form([
      {
        name: 's',
        questions: [q('a', { relevant: "${b} = 'y'" }), q('b', { relevant: "${a} = 'y'" })],
      },
    ]);
    expect(analyzeForm(f)).toEqual([
      {
        field: 'sections.0.questions.0.relevant',
        code: 'CIRCULAR_DEPENDENCY',
        message: 'Relevance and calculations depend on each other in a cycle: a → b → a',
      },
    ]);
  });

  it('reports duplicate question and section names', () => {
    const f = form([
      { name: 's1', questions: [q('a'), q('b')] },
      { name: 's2', questions: [q('a'), q('s1')] },
      { name: 'b', questions: [q('c')] },
    ]);
    expect(codes(f)).toEqual([
      ['DUPLICATE_NAME', 'sections.1.questions.0.name'],
      ['DUPLICATE_NAME', 'sections.1.questions.1.name'],
      ['DUPLICATE_NAME', 'sections.2.name'],
    ]);
    expect(analyzeForm(f)[0]!.message).toContain('sections.0.questions.0');
  });

  it('reports missing, unknown and empty choice lists, and duplicate choices', () => {
    const f = form(
      [
        {
          name: 's',
          questions: [
            q('a', { type: 'select_one' }),
            q('b', { type: 'select_multiple', choiceList: 'nope' }),
            q('c', { type: 'select_one', choiceList: 'empty' }),
            q('d', { type: 'select_one', choiceList: 'dup' }),
            q('e', { type: 'select_one', choiceList: 'constructor' }),
          ],
        },
      ],
      {
        empty: [],
        dup: [
          { name: 'x', label: 'X' },
          { name: 'y', label: 'Y' },
          { name: 'x', label: 'X again' },
        ],
      },
    );
    expect(codes(f)).toEqual([
      ['CHOICE_LIST_EMPTY', 'choiceLists.empty'],
      ['DUPLICATE_CHOICE', 'choiceLists.dup.2.name'],
      ['CHOICE_LIST_MISSING', 'sections.0.questions.0.choiceList'],
      ['CHOICE_LIST_MISSING', 'sections.0.questions.1.choiceList'],
      ['CHOICE_LIST_MISSING', 'sections.0.questions.4.choiceList'],
    ]);
  });

  it('reports malformed expressions with where they went wrong', () => {
    const f = form([
      {
        name: 's',
        relevant: '${a} =',
        questions: [
          q('a', { constraint: "regex(., '(')" }),
          q('b', { relevant: "${a} = 'x' and (", required: 'foo(1)' }),
          q('c', { type: 'calculate', calculation: 'if(1, 2)' }),
        ],
      },
    ]);
    const issues = analyzeForm(f);
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ['EXPRESSION_INVALID', 'sections.0.relevant'],
      ['EXPRESSION_INVALID', 'sections.0.questions.0.constraint'],
      ['EXPRESSION_INVALID', 'sections.0.questions.1.relevant'],
      ['EXPRESSION_INVALID', 'sections.0.questions.1.required'],
      ['EXPRESSION_INVALID', 'sections.0.questions.2.calculation'],
    ]);
    expect(issues[0]!.message).toMatch(/Expected an expression after '=' at offset 6/);
    expect(issues[1]!.message).toMatch(/Invalid regular expression.*offset 9/);
    expect(issues[2]!.message).toMatch(/offset 16/);
    expect(issues[3]!.message).toMatch(/Unknown function 'foo'/);
    expect(issues[4]!.message).toMatch(/'if' takes 3 arguments/);
  });

  it('reports self references and calculations without a calculation', () => {
    const f = form([
      {
        name: 's',
        relevant: "${b} = 'x'",
        questions: [
          q('a', { constraint: '${a} > 0' }),
          q('b'),
          q('c', { type: 'calculate' }),
          q('d', { type: 'calculate', calculation: '${d} + 1' }),
        ],
      },
    ]);
    expect(codes(f)).toEqual([
      ['SELF_REFERENCE', 'sections.0.relevant'],
      ['SELF_REFERENCE', 'sections.0.questions.0.constraint'],
      ['CALCULATION_MISSING', 'sections.0.questions.2.calculation'],
      ['SELF_REFERENCE', 'sections.0.questions.3.calculation'],
    ]);
  });

  it('reports structural problems instead of crashing', () => {
    const bad = { formId: '1bad', title: '', sections: [], choiceLists: {} } as unknown as FormSchema;
    const issues = analyzeForm(bad);
    expect(issues.every((i) => i.code === 'SCHEMA_INVALID')).toBe(true);
    expect(issues.map((i) => i.field).sort()).toEqual(['formId', 'sections', 'title']);
  });

  it('compileForm throws FormInvalidError with every issue', () => {
    const f = form([{ name: 's', questions: [q('a', { relevant: '${zz}' }), q('a')] }]);
    try {
      compileForm(f);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FormInvalidError);
      expect((e as FormInvalidError).issues.map((i) => i.code)).toEqual(['DUPLICATE_NAME', 'UNKNOWN_FIELD']);
    }
  });
});
