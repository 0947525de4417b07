/**
 * Questionnaire engine speed: visibility + validation of the master questionnaire, 10,000 times, in
 * process. Compared in the same run with 10,000 × JSON.parse(JSON.stringify(answers)) of the same
 * answers, so the ratio holds on a noisy machine.
 *
 *   node --import tsx tests/load/engine-bench.ts      (ITERATIONS=10000 ROUNDS=5 to change)
 */
import { compileForm, type Answers } from '../../packages/core/src/forms/index.js';
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
