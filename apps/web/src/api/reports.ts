import type { Insights, ReportFilter, ReportSummary } from '@oslrs/core';
import { api } from './client';

// The officials' report summary and the public insights (shapes from @oslrs/core's reports DTOs).

export const reportKeys = {
  summary: (filter: ReportFilter) => ['reports', 'summary', filter] as const,
  insights: ['insights'] as const,
};

export const reportsApi = {
  summary: (filter: ReportFilter, signal?: AbortSignal) =>
    api<ReportSummary>('/reports/summary', { query: { ...filter }, signal }),
  insights: (signal?: AbortSignal) => api<Insights>('/insights', { signal }),
};
