import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { Invalid } from '../../errors.js';

/**
 * New passwords are checked against lists of common and breached passwords, dictionary words and
 * names, keyboard patterns, dates and repeats (zxcvbn-ts), not length alone. Score 3 of 4 is
 * "safely unguessable" (about 10^8 guesses or more), which with argon2id and the sign-in lockout
 * is far beyond what an online or offline attacker can try.
 */
export const MIN_SCORE = 3;
/**
 * zxcvbn's cost grows with length and with l33t substitutions (a 64-character run of symbols took a
 * second with the defaults): only the first characters are scored (a longer password is at least as
 * strong as its start), and the substitutions tried are capped. Worst case: tens of milliseconds.
 */
const SCORED_LENGTH = 64;
const L33T_MAX_SUBSTITUTIONS = 8;

/** Words that would make a password guessable for this registry whoever the user is. */
const SITE_WORDS = ['oslrs', 'oyo', 'oyostate', 'ibadan', 'registry', 'labour', 'skills', 'nigeria'];

let factory: Promise<ZxcvbnFactory> | undefined;

/** The dictionaries (tens of MB) load on first use, not at start-up: few requests set a password. */
function zxcvbn(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    // Wikipedia's word list adds little beyond the common-words list and costs memory and time.
    const { 'wikipedia-en': _wikipedia, ...english } = en.dictionary;
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      maxLength: SCORED_LENGTH,
      l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
    });
  })();
  factory.catch(() => (factory = undefined));
  return factory;
}

export interface PasswordStrength {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
}

/** `personal`: things about the person (email, name) that must not make up the password. */
export async function passwordStrength(password: string, personal: (string | null | undefined)[] = []) {
  const inputs = new Set<string>(SITE_WORDS);
  for (const value of personal) {
    if (!value) continue;
    const lower = value.toLowerCase();
    inputs.add(lower);
    // The parts of an email and of a name, each on its own and run together.
    const parts = lower.split('@')[0]!.split(/[\s._+-]+/);
    for (const part of [...lower.split(/[\s@._+-]+/), parts.join('')]) if (part.length >= 3) inputs.add(part);
  }
  const result = (await zxcvbn()).check(password.slice(0, SCORED_LENGTH), [...inputs]);
  return {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
  } satisfies PasswordStrength;
}

/** Refuse a guessable password with 400 PASSWORD_TOO_WEAK and zxcvbn's advice in `details`. */
export async function assertStrongPassword(password: string, personal: (string | null | undefined)[] = []) {
  const strength = await passwordStrength(password, personal);
  if (strength.score >= MIN_SCORE) return;
  const advice = [strength.warning, ...strength.suggestions].filter(Boolean).join(' ');
  throw Invalid(
    'PASSWORD_TOO_WEAK',
    `This password is too easy to guess.${advice ? ` ${advice}` : ' Use a few uncommon words together.'}`,
    {
      field: 'password',
      score: strength.score,
      warning: strength.warning,
      suggestions: strength.suggestions,
    },
  );
}
