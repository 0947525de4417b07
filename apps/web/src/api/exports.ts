import type { ExportCreated, ExportInfo, ExportRequest } from '@oslrs/core';
import { api, apiUrl } from './client';

// Streamed exports (shapes from @oslrs/core's exports DTOs); progress is the job's (`jobs.get`).

export const exportKeys = {
  one: (id: string) => ['exports', id] as const,
};

export const exportsApi = {
  create: (body: ExportRequest) => api<ExportCreated>('/exports', { method: 'POST', body }),
  get: (id: string, signal?: AbortSignal) =>
    api<{ export: ExportInfo }>(`/exports/${encodeURIComponent(id)}`, { signal }),
  /** A plain link: the browser downloads it with the session cookie (Content-Disposition: attachment). */
  downloadUrl: (id: string) => apiUrl(`/exports/${encodeURIComponent(id)}/download`),
};
