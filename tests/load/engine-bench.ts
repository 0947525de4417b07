/**
 * Questionnaire engine speed: visibility + validation of the master questionnaire, 10,000 times, in
 * process. Compared in the same run with 10,000 × JSON.parse(JSON.stringify(answers)) of the same
 * answers, so the ratio holds on a noisy machine.
 *
 * Then the ReDoS check (issue 9 item 6): a catastrophic regex constraint against the answer that used to
 * block the API, beside an everyday one, through the same validate (timings only, no assertion).
 *
 *   node --import tsx tests/load/engine-bench.ts      (ITERATIONS=10000 ROUNDS=5 to change)
 */
import { compileForm, type Answers, type FormSchema } from '../../packages/core/src/forms/index.js';
import { MASTER_FORM } from '../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets as answerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';

const ITERATIONS = Number(process.env.ITERATIONS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ctx = { today: new Date('2026-05-01T10:00:00Z') };

const form = compileForm(MASTER_FORM);
const sets = answerSets();
for (const a of sets) {
  const { errors } = form.validate(a, ctx);
  if (errors.length) throw new Error(`bench answers are not valid: ${JSON.stringify(errors)}`);
}

let sink = 0;
function engine(): number {
  const t = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const a = sets[i % sets.length]!;
    const state = form.evaluate(a, ctx);
    const result = form.validate(a, ctx);
    sink += state.visibleQuestions.size + result.errors.length;
  }
  return performance.now() - t;
}
function jsonRoundTrip(): number {
  const t = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const copy = JSON.parse(JSON.stringify(sets[i % sets.length]!)) as Answers;
    sink += Object.keys(copy).length;
  }
  return performance.now() - t;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// warm up both paths (JIT), then measure interleaved rounds
engine();
jsonRoundTrip();
const engineMs: number[] = [];
const jsonMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  engineMs.push(engine());
  jsonMs.push(jsonRoundTrip());
}

const e = median(engineMs);
const j = median(jsonMs);
const questions = MASTER_FORM.sections.reduce((n, s) => n + s.questions.length, 0);
console.log(
  `master questionnaire: ${questions} questions, ${MASTER_FORM.sections.length} sections; ` +
    `${sets.length} answer sets of ~${Math.round(sets.reduce((n, a) => n + JSON.stringify(a).length, 0) / sets.length)} bytes`,
);
console.log(`${ITERATIONS.toLocaleString('en')} iterations, median of ${ROUNDS} rounds (node ${process.version})`);
console.log(
  `evaluate + validate      total ${e.toFixed(1).padStart(8)} ms   ${((e * 1000) / ITERATIONS).toFixed(2).padStart(7)} µs/iteration`,
);
console.log(
  `JSON.parse(stringify())  total ${j.toFixed(1).padStart(8)} ms   ${((j * 1000) / ITERATIONS).toFixed(2).padStart(7)} µs/iteration`,
);
console.log(`ratio engine / JSON round-trip: ${(e / j).toFixed(2)}×`);
if (sink < 0) console.log(sink); // keep the work observable

// ReDoS: each case validated REGEX_RUNS times; the median single validate is printed.
const REGEX_RUNS = Number(process.env.REGEX_RUNS ?? 200);
const NAME_REGEX = String.raw`^([a-zA-Z]+\s?)*$`;
const regexForm = (pattern: string): FormSchema => ({
  formId: 'redos_bench',
  title: 'ReDoS bench',
  sections: [
    { name: 'main', questions: [{ name: 'a', type: 'text', label: 'A', constraint: `regex(., '${pattern}')` }] },
  ],
  choiceLists: {},
});
function regexCase(label: string, pattern: string, answer: string) {
  const f = compileForm(regexForm(pattern));
  const times: number[] = [];
  let codes = '';
  for (let i = 0; i < REGEX_RUNS; i++) {
    const t = performance.now();
    const { errors } = f.validate({ a: answer });
    times.push(performance.now() - t);
    codes = errors.map((x) => x.code).join(',') || 'valid';
  }
  console.log(`${label.padEnd(58)} ${(median(times) * 1000).toFixed(1).padStart(9)} µs   ${codes}`);
}
console.log(`regex constraints (median of ${REGEX_RUNS} validates each):`);
regexCase("phone '^[0][7-9][0-1][0-9]{8}$', 11 digits", '^[0][7-9][0-1][0-9]{8}$', '08031234567');
regexCase(`name '${NAME_REGEX}', 30 letters`, NAME_REGEX, 'Oluwaseunfunmilayoadebayoakino');
regexCase(`name '${NAME_REGEX}', 30 letters + '!'`, NAME_REGEX, 'Oluwaseunfunmilayoadebayoakino!');
regexCase("'^(a+)+$', 30 a + '!'", '^(a+)+$', `${'a'.repeat(30)}!`);
regexCase(`name '${NAME_REGEX}', 9,997 characters incl. '!'`, NAME_REGEX, `${'Ade '.repeat(2499)}!`);
{
  // the backtracking engine it replaced, on a shorter answer (each extra character doubles its time)
  const t = performance.now();
  new RegExp(NAME_REGEX).test('Oluwaseunfunmilayoadeb!');
  console.log(
    `${"(before: JavaScript RegExp, name regex, 22 letters + '!')".padEnd(58)} ${((performance.now() - t) * 1000).toFixed(1).padStart(9)} µs`,
  );
}
