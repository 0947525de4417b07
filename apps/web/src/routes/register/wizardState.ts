/**
 * The registration wizard's state, kept in sessionStorage after every change so that a reload (or
 * a sign-in in the middle) resumes at the same step with every answer. Never the password.
 */
import { useCallback, useState } from 'react';
import type { SubmissionStatusView } from '@oslrs/core';
import type { Answers } from '../../forms/engine';
import type { SubmissionBody } from './collection';
import { takeTyped } from '../../prerendered';

export const STEPS = [
  { key: 'account', label: 'register.steps.account' },
  { key: 'consent', label: 'register.steps.consent' },
  { key: 'questionnaire', label: 'register.steps.questionnaire' },
  { key: 'review', label: 'register.steps.review' },
  { key: 'done', label: 'register.steps.done' },
] as const;
export type StepKey = (typeof STEPS)[number]['key'];

export type YesNo = 'yes' | 'no';

export interface WizardState {
  v: 1;
  step: StepKey;
  /** Account details as typed (not the password), so a reload keeps them. */
  account: { fullName: string; email: string; phone: string };
  /** The address the "confirm your email" link was sent to (the account step then waits for it). */
  linkSentTo?: string;
  /** The account this registration belongs to, once signed in. */
  userId?: string;
  consent: {
    /** Agreed to the registry keeping and using their information (the privacy notice). */
    basic: boolean;
    marketplace?: YesNo;
    enriched?: YesNo;
    /** Which of the two consent questions is on screen. */
    stage: 'marketplace' | 'enriched';
  };
  /** The questionnaire and version the answers belong to (pinned once started). */
  form?: { questionnaireId: string; version: number };
  answers: Answers;
  ninDeferred: boolean;
  startedAt?: string;
  /** Reached the review once: the questionnaire offers a way straight back to it. */
  reviewed: boolean;
  /** The question to open when coming back to the questionnaire from the review. */
  focusQuestion?: string;
  /** The exact body sent (resent unchanged after a reload: the registry answers a replay with the first result). */
  submission?: SubmissionBody;
  result?: SubmissionStatusView;
}

const KEY = 'oslrs.register.v1';

export function initialState(): WizardState {
  return {
    v: 1,
    step: 'account',
    account: { fullName: '', email: '', phone: '' },
    consent: { basic: false, stage: 'marketplace' },
    answers: {},
    ninDeferred: false,
    reviewed: false,
  };
}

function load(): WizardState {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return initialState();
    const parsed = JSON.parse(raw) as Partial<WizardState>;
    if (parsed?.v !== 1 || !STEPS.some((s) => s.key === parsed.step)) return initialState();
    return { ...initialState(), ...parsed } as WizardState;
  } catch {
    return initialState();
  }
}

function save(state: WizardState) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // Storage full or refused (private mode): the wizard still works, it just won't survive a reload.
  }
}

/** The account fields by their inputs' autocomplete tokens (the same in the prerendered copy). */
export const ACCOUNT_AUTOCOMPLETE = { fullName: 'name', email: 'email', phone: 'tel' } as const;

/**
 * Anything typed into the prerendered account step before the app took over (/register): read when
 * the state is made, and again in the commit (AccountStep), for a key pressed in between.
 */
export function withPrerenderedInput(state: WizardState): WizardState {
  const typed = takeTyped(Object.values(ACCOUNT_AUTOCOMPLETE));
  if (Object.keys(typed).length === 0 || state.step !== 'account' || state.linkSentTo) return state;
  const account = { ...state.account };
  let changed = false;
  for (const [field, token] of Object.entries(ACCOUNT_AUTOCOMPLETE) as Array<[keyof typeof account, string]>) {
    if (typed[token] !== undefined && typed[token] !== account[field]) {
      account[field] = typed[token];
      changed = true;
    }
  }
  return changed ? { ...state, account } : state;
}

export function clearWizardState() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** The state and an updater that writes every change through to sessionStorage at once. */
export function useWizardState(): [WizardState, (change: (s: WizardState) => WizardState) => void] {
  const [state, setState] = useState(() => withPrerenderedInput(load()));
  const update = useCallback((change: (s: WizardState) => WizardState) => {
    setState((prev) => {
      const next = change(prev);
      save(next);
      return next;
    });
  }, []);
  return [state, update];
}
