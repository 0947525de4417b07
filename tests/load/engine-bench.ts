/**
 * Questionnaire engine speed: visibility + validation of the master questionnaire, 10,000 times, in
 * process. Compared in the same run with 10,000 × JSON.parse(JSON.stringify(answers)) of the same
 * answers, so the ratio holds on a noisy machine.
 *
 *   node --import tsx tests/load/engine-bench.ts      (ITERATIONS=10000 ROUNDS=5 to change)
 */
import { compileForm, type Answers } from '../../packages/core/src/forms/index.js';
import { MASTER_FORM } from '../../packages/core/src/forms/fixtures/master.js';

const ITERATIONS = Number(process.env.ITERATIONS ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ctx = { today: new Date('2026-05-01T10:00:00Z') };

/** Realistic submissions: an employed adult (most questions visible), a job seeker, an apprentice under 15. */
function answerSets(): Answers[] {
  const base: Answers = {
    start_time: '2026-05-01T09:00:00.000Z',
    end_time: '2026-05-01T09:12:00.000Z',
    device_id: 'a3f9c2e1-enum-oyo-07',
    gps_location: { lat: 7.3775, lng: 3.947, accuracy: 8 },
    consent_basic: 'yes',
    surname: 'Adeyemi',
    firstname: 'Folake',
    gender: 'female',
    dob: '1990-03-14',
    marital_status: 'married',
    education_level: 'sss',
    disability_status: 'no',
    phone_number: '08031234567',
    email: 'folake.adeyemi@example.com',
    nin: '48213957062',
    lga_id: 'ibadan_north',
    employment_status: 'yes',
    main_occupation: 'Tailor',
    employment_type: 'self_employed',
    years_experience: '7_10',
    hours_worked: 48,
    monthly_income: 85000,
    is_head: 'no',
    household_size: 5,
    dependents_count: 3,
    housing_status: 'rented',
    skills_possessed: ['tailoring', 'fashion_design', 'bag_making'],
    skills_other: 'Adire dyeing',
    training_interest: ['digital_marketing', 'graphic_design'],
    has_business: 'yes',
    business_name: 'Folake Stitches',
    business_reg: 'registered',
    business_address: '12 Ring Road, Ibadan',
    apprentice_count: 2,
    consent_marketplace: 'yes',
    consent_enriched: 'yes',
    bio_short: 'Tailor and fashion designer with 8 years of experience in native and corporate wear.',
    portfolio_url: 'https://instagram.com/folakestitches',
  };
  const seeker: Answers = {
    ...base,
    gender: 'male',
    surname: 'Okafor',
    firstname: 'Chinedu',
    dob: '2001-11-02',
    employment_status: 'no',
    temp_absent: 'no',
    looking_for_work: 'yes',
    has_business: 'no',
    consent_enriched: 'no',
  };
  for (const k of ['main_occupation', 'employment_type', 'years_experience', 'hours_worked', 'monthly_income'])
    delete seeker[k];
  for (const k of ['business_name', 'business_reg', 'business_address', 'apprentice_count', 'bio_short'])
    delete seeker[k];
  const apprentice: Answers = {
    ...seeker,
    dob: '2012-07-09',
    guardian_name: 'Ngozi Okafor',
    guardian_relationship: 'parent',
    guardian_phone: '08051234567',
    guardian_consent: 'yes',
    is_supervised_apprentice: 'yes',
    apprenticeship_details: 'Auto mechanic apprentice at Mr Bello’s workshop, Dugbe',
  };
  for (const k of ['employment_status', 'temp_absent', 'looking_for_work']) delete apprentice[k];
  return [base, seeker, apprentice];
}

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
