/**
 * The USSD registration menu as a pure state machine: a session is the inputs the gateway sends
 * (`text`, joined by `*`) replayed from its starting state, so the same `text` always gives the same
 * screen (retries are harmless) and `#` (back) is a pop of the screens visited.
 *
 * language → menu → surname → first name → gender → date of birth → LGA (paged, or first letters)
 * → sector → main trade (paged) → type of work → years of experience → NIN (or 0: later) → marketplace
 * consent (→ the second consent) → review → register. Type of work is asked because the public
 * questionnaire requires it (employment_type); nothing is filled in for the resident.
 */
import { LGAS, SECTORS, SKILLS, isWellFormedNin, normalizeNin, sectorTextId, skillTextId } from '@oslrs/core';
import type { Lang, Texts } from './texts.js';

/** The longest screen a USSD gateway shows. */
export const SCREEN_MAX = 182;

export type Step =
  | 'lang'
  | 'menu'
  | 'surname'
  | 'firstname'
  | 'gender'
  | 'dob'
  | 'lga'
  | 'sector'
  | 'skill'
  | 'employment'
  | 'years'
  | 'nin'
  | 'consent'
  | 'consent2'
  | 'review';

export interface Draft {
  lang?: Lang;
  surname?: string;
  firstname?: string;
  gender?: string;
  /** YYYY-MM-DD */
  dob?: string;
  lga?: string;
  sector?: string;
  skill?: string;
  employment?: string;
  years?: string;
  /** null: to be given later (the NIN-completion link by SMS). */
  nin?: string | null;
  consentMarketplace?: boolean;
  consentEnriched?: boolean;
}

export interface Frame {
  step: Step;
  draft: Draft;
  page?: number;
  /** LGA: the letters typed, narrowing the list. */
  filter?: string;
}

export type ErrorId = 'choice' | 'name' | 'date' | 'age' | 'lga' | 'nin';

export interface Machine {
  stack: Frame[];
  error?: ErrorId;
  /** The session came back to a timed-out one (shown once, on its first screen). */
  resumed?: boolean;
  outcome?: 'submit' | 'check';
}

export const GENDERS = ['male', 'female', 'other'] as const;
export const EMPLOYMENT = [
  'self_employed',
  'wage_private',
  'wage_public',
  'contractor',
  'family_unpaid',
  'apprentice',
] as const;
export const YEARS = ['less_1', '1_3', '4_6', '7_10', 'over_10'] as const;

export function fresh(): Machine {
  return { stack: [{ step: 'lang', draft: {} }] };
}

const top = (m: Machine) => m.stack[m.stack.length - 1]!;
const letters = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** A list's entries, in the order they are numbered. */
function listOf(frame: Frame, t: Texts): { value: string; label: string }[] {
  switch (frame.step) {
    case 'lga': {
      const f = frame.filter ?? '';
      return LGAS.filter((l) => letters(l.name).startsWith(f)).map((l) => ({ value: l.code, label: l.name }));
    }
    // Sectors and trades in the session's language (the catalogue's area `taxonomy`).
    case 'sector':
      return SECTORS.map((s) => ({ value: s.code, label: t(sectorTextId(s.code)) }));
    case 'skill':
      return SKILLS.filter((s) => s.sector === frame.draft.sector).map((s) => ({
        value: s.slug,
        label: t(skillTextId(s.slug)),
      }));
    default:
      return [];
  }
}

const HEADER: Partial<Record<Step, string>> = { lga: 'ussd.lga', sector: 'ussd.sector', skill: 'ussd.skill' };
const STEP_ERRORS: Record<Step, ErrorId[]> = {
  lang: ['choice'],
  menu: ['choice'],
  surname: ['name'],
  firstname: ['name'],
  gender: ['choice'],
  dob: ['date', 'age'],
  lga: ['choice', 'lga'],
  sector: ['choice'],
  skill: ['choice'],
  employment: ['choice'],
  years: ['choice'],
  nin: ['nin'],
  consent: ['choice'],
  consent2: ['choice'],
  review: ['choice'],
};

/** The first line of a list screen: its question, or in its place an error or the welcome back. */
function headLines(frame: Frame, t: Texts, m: Pick<Machine, 'error' | 'resumed'>): string {
  if (m.error) return t(`ussd.error.${m.error}`);
  if (m.resumed) return `${t('ussd.resumed')} ${t(HEADER[frame.step]!)}`;
  return t(HEADER[frame.step]!);
}

/**
 * Pages of a list, filled greedily so that every page fits the screen with the longest first line
 * it may carry (question, error or welcome back), "0 More" and "# Back".
 */
function pagesOf(frame: Frame, t: Texts): number[][] {
  const items = listOf(frame, t);
  const heads = [
    t(HEADER[frame.step]!),
    `${t('ussd.resumed')} ${t(HEADER[frame.step]!)}`,
    ...STEP_ERRORS[frame.step].map((e) => t(`ussd.error.${e}`)),
  ];
  const fixed = Math.max(...heads.map((h) => h.length)) + 1 + t('ussd.more').length + 1 + t('ussd.back').length;
  const pages: number[][] = [];
  let page: number[] = [];
  let used = fixed;
  items.forEach((item, i) => {
    const line = `${i + 1} ${item.label}`.length + 1;
    if (page.length && used + line > SCREEN_MAX) {
      pages.push(page);
      page = [];
      used = fixed;
    }
    page.push(i);
    used += line;
  });
  if (page.length) pages.push(page);
  return pages;
}

/** A date typed DDMMYYYY, if it is a real day: YYYY-MM-DD. */
export function parseDob(input: string): string | null {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(input);
  if (!m) return null;
  const [, dd, mm, yyyy] = m;
  const d = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (d.getUTCFullYear() !== Number(yyyy) || d.getUTCMonth() !== Number(mm) - 1 || d.getUTCDate() !== Number(dd))
    return null;
  if (Number(yyyy) < 1900) return null;
  return `${yyyy}-${mm}-${dd}`;
}

/** Whole years from `dob` (YYYY-MM-DD) to `today`. */
export function ageOn(dob: string, today: Date): number {
  const [y, mo, d] = dob.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d)) age--;
  return age;
}

const NAME = /^[\p{L}][\p{L}' -]{1,29}$/u;

function choice(input: string, n: number): number | null {
  if (!/^\d{1,3}$/.test(input)) return null;
  const k = Number(input);
  return k >= 1 && k <= n ? k : null;
}

/** One input applied to the machine (a new machine; the old one is not changed). */
export function step(machine: Machine, input: string, texts: (lang: Lang) => Texts, today: Date): Machine {
  if (machine.outcome) return machine;
  const m: Machine = { stack: [...machine.stack] };
  const frame = top(m);
  const draft = frame.draft;
  const t = texts(draft.lang ?? 'en');
  const push = (f: Omit<Frame, 'draft'> & { draft?: Draft }) => {
    m.stack.push({ ...f, draft: f.draft ?? draft });
    return m;
  };
  const fail = (error: ErrorId) => ({ ...m, error });
  const value = input.trim();
  if (value === '#') {
    if (m.stack.length > 1) m.stack.pop();
    return m;
  }
  switch (frame.step) {
    case 'lang': {
      const k = choice(value, 2);
      return k ? push({ step: 'menu', draft: { lang: k === 1 ? 'en' : 'yo' } }) : fail('choice');
    }
    case 'menu': {
      const k = choice(value, 2);
      if (!k) return fail('choice');
      if (k === 2) return { ...m, outcome: 'check' };
      return push({ step: 'surname' });
    }
    case 'surname':
    case 'firstname': {
      const name = value.replace(/\s+/g, ' ');
      if (!NAME.test(name)) return fail('name');
      return frame.step === 'surname'
        ? push({ step: 'firstname', draft: { ...draft, surname: name } })
        : push({ step: 'gender', draft: { ...draft, firstname: name } });
    }
    case 'gender': {
      const k = choice(value, GENDERS.length);
      return k ? push({ step: 'dob', draft: { ...draft, gender: GENDERS[k - 1] } }) : fail('choice');
    }
    case 'dob': {
      const dob = parseDob(value);
      if (!dob) return fail('date');
      const age = ageOn(dob, today);
      // The public questionnaire asks a guardian's consent under 15: not something a phone menu can take.
      if (age < 15 || age > 120) return fail('age');
      return push({ step: 'lga', page: 0, draft: { ...draft, dob } });
    }
    case 'lga':
    case 'sector':
    case 'skill': {
      const items = listOf(frame, t);
      const pages = pagesOf(frame, t);
      if (value === '0' && pages.length > 1) return push({ ...frame, page: ((frame.page ?? 0) + 1) % pages.length });
      if (frame.step === 'lga' && /^[a-z][a-z .'-]*$/i.test(value)) {
        const filter = letters(value);
        const found = LGAS.filter((l) => letters(l.name).startsWith(filter));
        if (!found.length) return fail('lga');
        if (found.length === 1) return push({ step: 'sector', page: 0, draft: { ...draft, lga: found[0]!.code } });
        return push({ step: 'lga', page: 0, filter });
      }
      const k = choice(value, items.length);
      if (!k) return fail('choice');
      const picked = items[k - 1]!.value;
      if (frame.step === 'lga') return push({ step: 'sector', page: 0, draft: { ...draft, lga: picked } });
      if (frame.step === 'sector') return push({ step: 'skill', page: 0, draft: { ...draft, sector: picked } });
      return push({ step: 'employment', draft: { ...draft, skill: picked } });
    }
    case 'employment': {
      const k = choice(value, EMPLOYMENT.length);
      return k ? push({ step: 'years', draft: { ...draft, employment: EMPLOYMENT[k - 1] } }) : fail('choice');
    }
    case 'years': {
      const k = choice(value, YEARS.length);
      return k ? push({ step: 'nin', draft: { ...draft, years: YEARS[k - 1] } }) : fail('choice');
    }
    case 'nin': {
      if (value === '0') return push({ step: 'consent', draft: { ...draft, nin: null } });
      const nin = normalizeNin(value);
      if (!/^\d+$/.test(nin) || !isWellFormedNin(nin)) return fail('nin');
      return push({ step: 'consent', draft: { ...draft, nin } });
    }
    case 'consent': {
      const k = choice(value, 2);
      if (!k) return fail('choice');
      return k === 1
        ? push({ step: 'consent2', draft: { ...draft, consentMarketplace: true } })
        : push({ step: 'review', draft: { ...draft, consentMarketplace: false, consentEnriched: false } });
    }
    case 'consent2': {
      const k = choice(value, 2);
      return k ? push({ step: 'review', draft: { ...draft, consentEnriched: k === 1 } }) : fail('choice');
    }
    case 'review': {
      const k = choice(value, 2);
      if (!k) return fail('choice');
      if (k === 1) return { ...m, outcome: 'submit' };
      // Start again: back to the menu, the language kept.
      return { stack: m.stack.slice(0, 2) };
    }
  }
}

const numbered = (labels: string[]) => labels.map((l, i) => `${i + 1} ${l}`).join('\n');

function fitted(parts: string[]): string {
  return parts.filter(Boolean).join('\n');
}

/** The screen of the machine's current step (without the CON prefix), in its language. */
export function render(m: Machine, texts: (lang: Lang) => Texts): string {
  const frame = top(m);
  const t = texts(frame.draft.lang ?? 'en');
  const back = t('ussd.back');
  const notice = m.error ? t(`ussd.error.${m.error}`) : m.resumed ? t('ussd.resumed') : '';
  const d = frame.draft;
  switch (frame.step) {
    case 'lang':
      return fitted([notice, t('ussd.lang.choose')]);
    case 'menu':
      return fitted([notice, t('ussd.menu')]);
    case 'surname':
      return fitted([notice, t('ussd.surname'), back]);
    case 'firstname':
      return fitted([notice, t('ussd.firstname'), back]);
    case 'gender':
      return fitted([notice, t('ussd.gender'), numbered(GENDERS.map((g) => t(`ussd.gender.${g}`))), back]);
    case 'dob':
      return fitted([notice, t('ussd.dob'), back]);
    case 'lga':
    case 'sector':
    case 'skill': {
      const items = listOf(frame, t);
      const pages = pagesOf(frame, t);
      const page = pages[(frame.page ?? 0) % Math.max(1, pages.length)] ?? [];
      return fitted([
        headLines(frame, t, m),
        page.map((i) => `${i + 1} ${items[i]!.label}`).join('\n'),
        pages.length > 1 ? t('ussd.more') : '',
        back,
      ]);
    }
    case 'employment':
      return fitted([notice, t('ussd.employment'), numbered(EMPLOYMENT.map((e) => t(`ussd.employment.${e}`))), back]);
    case 'years':
      return fitted([notice, t('ussd.years'), numbered(YEARS.map((y) => t(`ussd.years.${y}`))), back]);
    case 'nin':
      return fitted([notice, t('ussd.nin'), back]);
    case 'consent':
      return fitted([notice, t('ussd.consent'), back]);
    case 'consent2':
      return fitted([notice, t('ussd.consent2'), back]);
    case 'review': {
      // A wrong reply here: the error takes the summary's place (both do not fit one screen).
      if (m.error) return fitted([notice, t('ussd.review.options'), back]);
      const tail = fitted([notice, t('ussd.review.options'), back]);
      const summary = (name: string, trade: string) =>
        t('ussd.review', {
          name,
          gender: t(`ussd.gender.${d.gender}`),
          dob: d.dob!.split('-').reverse().join('/'),
          lga: LGAS.find((l) => l.code === d.lga)?.name ?? d.lga,
          trade,
          years: t(`ussd.years.${d.years}`),
          nin: d.nin ?? t('ussd.review.later'),
        });
      const trade = d.skill ? t(skillTextId(d.skill)) : '';
      let name = `${d.surname} ${d.firstname}`;
      let text = summary(name, trade);
      // Long names and trades are shortened on the review screen only (what is stored is whole).
      for (let cut = 1; text.length + 1 + tail.length > SCREEN_MAX && cut < 40; cut++) {
        name = `${name.slice(0, Math.max(6, name.length - 2))}…`.replace(/……$/, '…');
        text = summary(name, cut > 10 ? `${trade.slice(0, Math.max(8, trade.length - cut))}…` : trade);
      }
      return fitted([text, tail]);
    }
  }
}

/** Every screen a session can show, for the screen-length test: each step and page, with every notice. */
export function everyScreen(texts: (lang: Lang) => Texts): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const longDraft: Omit<Draft, 'skill'> = {
    surname: 'Oluwaseyifunmi-Adebayo',
    firstname: 'Oluwadamilare',
    gender: 'other',
    dob: '1991-04-12',
    lga: 'ibadan_south_west',
    sector: 'FBP',
    employment: 'family_unpaid',
    years: 'over_10',
    nin: '12345678901',
    consentMarketplace: true,
    consentEnriched: true,
  };
  for (const lang of ['en', 'yo'] as const) {
    const t = texts(lang);
    // The review screen with the trade whose name is longest in this language.
    const name = (slug: string) => t(skillTextId(slug)).length;
    const skill = SKILLS.reduce((a, b) => (name(b.slug) > name(a.slug) ? b : a)).slug;
    const steps: Step[] = [
      'lang',
      'menu',
      'surname',
      'firstname',
      'gender',
      'dob',
      'employment',
      'years',
      'nin',
      'consent',
      'consent2',
      'review',
    ];
    const frames: Frame[] = steps.map((s) => ({ step: s, draft: { ...longDraft, skill, lang } }));
    for (const sector of SECTORS) {
      const f: Frame = { step: 'skill', draft: { ...longDraft, lang, sector: sector.code } };
      frames.push(...pagesOf(f, t).map((_, page) => ({ ...f, page })));
    }
    for (const s of ['lga', 'sector'] as const) {
      const f: Frame = { step: s, draft: { ...longDraft, lang } };
      frames.push(...pagesOf(f, t).map((_, page) => ({ ...f, page })));
    }
    frames.push({ step: 'lga', page: 0, filter: 'ib', draft: { ...longDraft, lang } });
    for (const frame of frames) {
      const notices: Pick<Machine, 'error' | 'resumed'>[] = [
        {},
        { resumed: true },
        ...STEP_ERRORS[frame.step].map((error) => ({ error })),
      ];
      for (const n of notices)
        out.push({
          where: `${lang} ${frame.step}${frame.page ? ` p${frame.page}` : ''} ${JSON.stringify(n)}`,
          text: render({ stack: [frame], ...n }, texts),
        });
    }
    for (const id of [
      'ussd.done.registered',
      'ussd.done.received',
      'ussd.done.ninUnavailable',
      'ussd.done.failed',
      'ussd.status.none',
      'ussd.end.session',
      'ussd.end.tooLong',
      'ussd.end.phone',
      'ussd.end.busy',
      'ussd.end.closed',
    ])
      out.push({ where: `${lang} ${id}`, text: t(id, { ref: 'ABCDEF12' }) });
    for (const status of ['received', 'registered', 'ninNeeded', 'rejected'])
      out.push({ where: `${lang} status ${status}`, text: t('ussd.status.found', { ref: 'ABCDEF12', status }) });
  }
  return out;
}
