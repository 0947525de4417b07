import type {
  AdminOverview,
  Message,
  MessagePage,
  ProgressResponse,
  SetTargetBody,
  TeamResponse,
  UnreadResponse,
} from '@oslrs/core';
import { api } from './client';

// Supervision, messages and the admin overview (shapes from @oslrs/core's supervision DTOs).

export const supervisionKeys = {
  team: (lga: string | null) => ['supervision', 'team', lga ?? 'all'] as const,
  messages: ['messages'] as const,
  contacts: ['messages', 'contacts'] as const,
  overview: ['admin', 'overview'] as const,
};

export const supervisionApi = {
  team: (lga: string | null, signal?: AbortSignal) =>
    api<TeamResponse>('/supervision/team', { query: { lga }, signal }),
  setTarget: (enumeratorId: string, body: SetTargetBody) =>
    api<{ enumeratorId: string; target: SetTargetBody; updatedAt: string }>(
      `/staff/${encodeURIComponent(enumeratorId)}/target`,
      { method: 'PUT', body },
    ),
  progress: (signal?: AbortSignal) => api<ProgressResponse>('/me/progress', { signal }),
  overview: (signal?: AbortSignal) => api<AdminOverview>('/admin/overview', { signal }),
};

export const messagesApi = {
  list: (query: { limit?: number; cursor?: string | null } = {}, signal?: AbortSignal) =>
    api<MessagePage>('/messages', { query: { limit: query.limit, cursor: query.cursor }, signal }),
  /** Cheap to poll: the browser revalidates with the ETag, and the API answers 304 when nothing changed. */
  unread: (signal?: AbortSignal) => api<UnreadResponse>('/messages/unread', { signal }),
  contacts: (signal?: AbortSignal) =>
    api<{ items: { id: string; fullName: string }[] }>('/messages/contacts', { signal }),
  send: (to: string, body: string) => api<{ message: Message }>('/messages', { method: 'POST', body: { to, body } }),
  read: (id: string) =>
    api<{ id: string; readAt: string }>(`/messages/${encodeURIComponent(id)}/read`, { method: 'POST' }),
};
