import { useEffect, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../api/endpoints';
import { onFieldDataChange } from './events';
import { loadAssignedForm, loadCorrections, loadRecent } from './loaders';
import { fieldCounts, listDrafts, listOutbox, listReceipts } from './store';
import { ensurePersistentStorage } from './storage';
import { getSyncState, startSync, subscribeSync, type SyncState } from './sync';

/** Query keys: everything read from the device sits under `device` and is re-read when it changes. */
export const fieldKeys = {
  all: ['field'] as const,
  device: ['field', 'device'] as const,
  drafts: (userId: string) => ['field', 'device', 'drafts', userId] as const,
  outbox: (userId: string) => ['field', 'device', 'outbox', userId] as const,
  receipts: (userId: string) => ['field', 'device', 'receipts', userId] as const,
  counts: (userId: string) => ['field', 'device', 'counts', userId] as const,
  assigned: ['field', 'assigned'] as const,
  recent: (userId: string) => ['field', 'recent', userId] as const,
  corrections: (userId: string) => ['field', 'corrections', userId] as const,
  storage: ['field', 'storage'] as const,
  draft: (id: string) => ['field', 'draft', id] as const,
};

// These reads answer from the device when offline: never let the query library pause them.
const local = { networkMode: 'always', staleTime: Infinity, retry: false } as const;

/** Re-reads the device's lists whenever field data changes (in this tab or another). */
export function useFieldDataRefresh(): void {
  const queryClient = useQueryClient();
  useEffect(
    () => onFieldDataChange(() => void queryClient.invalidateQueries({ queryKey: fieldKeys.device })),
    [queryClient],
  );
}

/** Runs the outbox sync while the collect area is open. */
export function useSyncEngine(userId: string | undefined): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!userId) return;
    return startSync({
      userId,
      onSignedOut: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      onSent: () => {
        void queryClient.invalidateQueries({ queryKey: fieldKeys.recent(userId) });
        void queryClient.invalidateQueries({ queryKey: fieldKeys.corrections(userId) });
      },
    });
  }, [userId, queryClient]);
}

export function useSyncState(): SyncState {
  return useSyncExternalStore(subscribeSync, getSyncState, getSyncState);
}

export function useFieldCounts(userId: string) {
  return useQuery({ queryKey: fieldKeys.counts(userId), queryFn: () => fieldCounts(userId), ...local });
}

export function useDrafts(userId: string) {
  return useQuery({ queryKey: fieldKeys.drafts(userId), queryFn: () => listDrafts(userId), ...local });
}

export function useOutbox(userId: string) {
  return useQuery({ queryKey: fieldKeys.outbox(userId), queryFn: () => listOutbox(userId), ...local });
}

export function useReceipts(userId: string) {
  return useQuery({ queryKey: fieldKeys.receipts(userId), queryFn: () => listReceipts(userId), ...local });
}

/** How soon to check the assigned questionnaire again when the registry was not reached while online. */
const RECHECK_MS = 5_000;

export function useAssignedForm() {
  return useQuery({
    queryKey: fieldKeys.assigned,
    queryFn: ({ signal }) => loadAssignedForm(signal),
    networkMode: 'always',
    staleTime: 60_000,
    retry: false,
    // Read from the device while offline: check with the registry as soon as the network returns,
    // and again shortly while the device says it is online but the registry was not reached (the
    // `online` event often comes before the connection works, so the first check can miss it).
    refetchOnReconnect: 'always',
    refetchInterval: (query) => (query.state.data?.fromDevice && navigator.onLine ? RECHECK_MS : false),
  });
}

/** While the registry is still checking some submissions, look again every few seconds. */
const CHECKING_POLL_MS = 3_000;
const IDLE_POLL_MS = 60_000;

export function useRecentSubmissions(userId: string) {
  return useQuery({
    queryKey: fieldKeys.recent(userId),
    queryFn: ({ signal }) => loadRecent(userId, signal),
    networkMode: 'always',
    staleTime: 10_000,
    retry: false,
    refetchInterval: (query) => {
      if (!navigator.onLine) return false;
      return query.state.data?.items.some((i) => i.status === 'received') ? CHECKING_POLL_MS : IDLE_POLL_MS;
    },
  });
}

/** Returned surveys: from the registry on every sync (and every minute while online), else the device's copy. */
export function useCorrections(userId: string) {
  return useQuery({
    queryKey: fieldKeys.corrections(userId),
    queryFn: ({ signal }) => loadCorrections(userId, signal),
    networkMode: 'always',
    staleTime: 10_000,
    retry: false,
    refetchOnReconnect: 'always',
    refetchInterval: () => (navigator.onLine ? IDLE_POLL_MS : false),
  });
}

export function useStorageStatus() {
  return useQuery({ queryKey: fieldKeys.storage, queryFn: ensurePersistentStorage, ...local });
}
