/**
 * A clerk's sitting: the form being typed, how many forms the registry has accepted, and the last
 * ten saved with their status. Kept in sessionStorage (per clerk) so a reload loses nothing.
 */
import { useCallback, useState } from 'react';
import type { Answers } from '../../forms/engine';
import { newUuid, type SubmissionBody, type SubmissionErrorView } from '../register/collection';

export const RECENT_MAX = 10;

export type RecentState = 'sending' | 'awaiting_files' | 'received' | 'ingested' | 'rejected' | 'failed';

export interface RecentForm {
  id: string;
  savedAt: string;
  name: string;
  ninTail: string | null;
  state: RecentState;
  /** The registration's short reference (OY-7K3-9QX), once the registry has registered the form. */
  reference?: string;
  /** The registry's reason for a rejection (after ingestion). */
  error?: SubmissionErrorView;
  /** Why it was not saved at all (not sent, or refused at once). */
  failure?: { code: string; text: string; retry: boolean; field?: string };
  /** Kept until the registry has it, to retry with the same id (harmless if it did arrive). */
  body?: SubmissionBody;
  /** Counted in "Forms entered this session". */
  counted?: boolean;
}

export interface ClerkState {
  v: 1;
  count: number;
  recent: RecentForm[];
  current: { id: string; answers: Answers; startedAt: string };
}

export function blankForm(answers: Answers = {}): ClerkState['current'] {
  return { id: newUuid(), answers, startedAt: new Date().toISOString() };
}

function keyFor(userId: string) {
  return `oslrs.clerk.v1.${userId}`;
}

function load(userId: string): ClerkState {
  try {
    const raw = sessionStorage.getItem(keyFor(userId));
    if (raw) {
      const parsed = JSON.parse(raw) as ClerkState;
      if (parsed?.v === 1 && Array.isArray(parsed.recent) && parsed.current?.id) return parsed;
    }
  } catch {
    // Unreadable: start afresh.
  }
  return { v: 1, count: 0, recent: [], current: blankForm() };
}

export function useClerkState(userId: string): [ClerkState, (change: (s: ClerkState) => ClerkState) => void] {
  const [state, setState] = useState(() => load(userId));
  const update = useCallback(
    (change: (s: ClerkState) => ClerkState) => {
      setState((prev) => {
        const next = change(prev);
        try {
          sessionStorage.setItem(keyFor(userId), JSON.stringify(next));
        } catch {
          // Storage refused: carry on in memory.
        }
        return next;
      });
    },
    [userId],
  );
  return [state, update];
}

/** Change one recent form by id. */
export function patchRecent(state: ClerkState, id: string, change: (r: RecentForm) => RecentForm): ClerkState {
  return { ...state, recent: state.recent.map((r) => (r.id === id ? change(r) : r)) };
}
