import type { CreatePartnerKeyBody, ImportBatch, ImportMapping, Job, PartnerKey } from '@oslrs/core';
import { api, apiUrl } from './client';

// Partner keys and secondary-data imports (issue 15); shapes from @oslrs/core's DTOs.

export const partnerKeys = {
  list: (signal?: AbortSignal) => api<{ items: PartnerKey[] }>('/partner-keys', { signal }),
  create: (body: CreatePartnerKeyBody) =>
    api<{ partnerKey: PartnerKey; key: string }>('/partner-keys', { method: 'POST', body }),
  rotate: (id: string) =>
    api<{ partnerKey: PartnerKey; key: string }>(`/partner-keys/${encodeURIComponent(id)}/rotate`, { method: 'POST' }),
  revoke: (id: string) =>
    api<{ partnerKey: PartnerKey }>(`/partner-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export interface ImportRow {
  line: number;
  outcome: 'create' | 'skip';
  reasons: string[];
  respondentId: string | null;
}

export const importsApi = {
  list: (signal?: AbortSignal) => api<{ items: ImportBatch[] }>('/imports', { signal }),
  get: (id: string, signal?: AbortSignal) =>
    api<{ batch: ImportBatch }>(`/imports/${encodeURIComponent(id)}`, { signal }),
  upload: (input: { file: File; source: string; mapping?: ImportMapping }) => {
    const form = new FormData();
    form.append('source', input.source);
    if (input.mapping) form.append('mapping', JSON.stringify(input.mapping));
    form.append('file', input.file);
    return api<{ batch: ImportBatch }>('/imports', { method: 'POST', body: form });
  },
  rows: (id: string, query: { outcome?: 'create' | 'skip'; page?: number; pageSize?: number }, signal?: AbortSignal) =>
    api<{ items: ImportRow[]; total: number }>(`/imports/${encodeURIComponent(id)}/rows`, { query, signal }),
  reportUrl: (id: string) => apiUrl(`/imports/${encodeURIComponent(id)}/report.csv`),
  confirm: (id: string) =>
    api<{ batch: ImportBatch; job: Job }>(`/imports/${encodeURIComponent(id)}/confirm`, { method: 'POST' }),
  rollback: (id: string) =>
    api<{ batch: ImportBatch }>(`/imports/${encodeURIComponent(id)}/rollback`, { method: 'POST' }),
};

export const partnerQueryKeys = {
  keys: ['partner-keys'] as const,
  imports: ['imports'] as const,
  batch: (id: string) => ['imports', id] as const,
  rows: (id: string, outcome: string) => ['imports', id, 'rows', outcome] as const,
};
