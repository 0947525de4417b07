/**
 * The enumerator's dashboard on the device: progress against target, returned surveys and messages,
 * fetched whenever the registry answers (opening the app, after each sync, when the network returns,
 * when the unread poll sees something new) and kept in IndexedDB, so it shows offline as of the last
 * sync.
 *
 * New messages while online: GET /messages/unread every 30 s while the page is visible. The response
 * carries an ETag and `Cache-Control: private, no-cache`, so the browser revalidates and the API
 * answers 304 (no body) while nothing changed; only a change fetches the full dashboard.
 */
import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MessagePage, ProgressResponse } from '@oslrs/core';
import { messagesApi, supervisionApi } from '../api/supervision';
import { isUnreachable } from './loaders';
import { getMeta, setMeta } from './db';
import { getSyncState, subscribeSync } from './sync';

export const UNREAD_POLL_MS = 30_000;

export interface FieldDashboard {
  progress: ProgressResponse;
  messages: MessagePage;
  fetchedAt: string;
}

export interface FieldDashboardResult extends FieldDashboard {
  fromDevice: boolean;
}

const metaKey = (userId: string) => `dashboard:${userId}`;

export const dashboardKey = (userId: string) => ['field', 'dashboard', userId] as const;

/** From the registry (keeping a copy on the device), else the device's copy; null when never fetched. */
export async function loadFieldDashboard(userId: string, signal?: AbortSignal): Promise<FieldDashboardResult | null> {
  try {
    const [progress, messages] = await Promise.all([
      supervisionApi.progress(signal),
      messagesApi.list({ limit: 20 }, signal),
    ]);
    const kept: FieldDashboard = { progress, messages, fetchedAt: new Date().toISOString() };
    await setMeta(metaKey(userId), kept);
    return { ...kept, fromDevice: false };
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const kept = await getMeta<FieldDashboard>(metaKey(userId));
    return kept ? { ...kept, fromDevice: true } : null;
  }
}

/** Marks a message read on the device's copy too, so the offline view agrees. */
export async function markReadOnDevice(userId: string, id: string, readAt: string): Promise<void> {
  const kept = await getMeta<FieldDashboard>(metaKey(userId));
  if (!kept) return;
  const wasUnread = kept.messages.items.some((m) => m.id === id && m.direction === 'in' && !m.readAt);
  if (!wasUnread) return;
  const items = kept.messages.items.map((m) => (m.id === id ? { ...m, readAt } : m));
  const unread = Math.max(0, kept.messages.unread - 1);
  await setMeta(metaKey(userId), {
    ...kept,
    messages: { ...kept.messages, items, unread },
    progress: { ...kept.progress, unread },
  });
}

export function useFieldDashboard(userId: string) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: dashboardKey(userId),
    queryFn: ({ signal }) => loadFieldDashboard(userId, signal),
    networkMode: 'always',
    staleTime: 15_000,
    retry: false,
    refetchOnReconnect: 'always',
  });

  // After each successful sync the numbers changed: fetch (and keep) them again.
  const lastSent = useRef(getSyncState().lastSentAt);
  useEffect(
    () =>
      subscribeSync(() => {
        const sent = getSyncState().lastSentAt;
        if (sent && sent !== lastSent.current) {
          lastSent.current = sent;
          void queryClient.invalidateQueries({ queryKey: dashboardKey(userId) });
        }
      }),
    [queryClient, userId],
  );

  // While online and visible: the cheap unread poll; a change in count or newest message refetches.
  const seen = query.data?.messages;
  const newest = seen?.items.find((m) => m.direction === 'in')?.id ?? null;
  const unread = seen?.unread;
  useEffect(() => {
    const poll = async () => {
      if (!navigator.onLine || document.visibilityState !== 'visible') return;
      try {
        const now = await messagesApi.unread();
        if (now.unread !== unread || (now.latest ?? null) !== newest) {
          void queryClient.invalidateQueries({ queryKey: dashboardKey(userId) });
        }
      } catch {
        // Offline or the registry is busy: the next poll tries again.
      }
    };
    const timer = setInterval(() => void poll(), UNREAD_POLL_MS);
    return () => clearInterval(timer);
  }, [queryClient, userId, unread, newest]);

  return query;
}
