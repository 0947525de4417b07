import type { Job, SessionResponse, SessionUser, Staff, StaffPage } from '@oslrs/core';
import { api } from './client';

// Typed wrappers for the endpoints the web app calls. Shapes come from @oslrs/core's DTOs.

export const auth = {
  me: () => api<SessionResponse>('/auth/me'),
  login: (email: string, password: string) =>
    api<SessionResponse>('/auth/login', { method: 'POST', body: { email, password } }),
  logout: () => api<void>('/auth/logout', { method: 'POST' }),
  activate: (token: string, password: string) =>
    api<{ user: SessionUser }>('/auth/activate', { method: 'POST', body: { token, password } }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api<void>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
};

export interface StaffListParams {
  page: number;
  pageSize: number;
  status?: string;
  role?: string;
  lga?: string;
  q?: string;
}

export interface InviteStaffInput {
  fullName: string;
  email: string;
  phone: string;
  role: string;
  lga: string | null;
}

export interface UpdateStaffInput {
  role?: string;
  lga?: string | null;
  status?: 'active' | 'suspended' | 'deactivated';
}

export const staff = {
  list: (params: StaffListParams, signal?: AbortSignal) => api<StaffPage>('/staff', { query: { ...params }, signal }),
  get: (id: string, signal?: AbortSignal) => api<{ staff: Staff }>(`/staff/${encodeURIComponent(id)}`, { signal }),
  invite: (input: InviteStaffInput) =>
    api<{ staff: Staff; activationUrl: string }>('/staff', { method: 'POST', body: input }),
  update: (id: string, input: UpdateStaffInput) =>
    api<{ staff: Staff }>(`/staff/${encodeURIComponent(id)}`, { method: 'PATCH', body: input }),
  newInvitation: (id: string) =>
    api<{ activationUrl: string }>(`/staff/${encodeURIComponent(id)}/invitation`, { method: 'POST' }),
  import: (file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api<{ job: Job }>('/staff/import', { method: 'POST', body: form });
  },
};

export const jobs = {
  get: (id: string, signal?: AbortSignal) => api<{ job: Job }>(`/jobs/${encodeURIComponent(id)}`, { signal }),
  errorReportUrl: (id: string) => `/api/v1/jobs/${encodeURIComponent(id)}/errors.csv`,
};

export const queryKeys = {
  me: ['auth', 'me'] as const,
  staffList: (params: StaffListParams) => ['staff', 'list', params] as const,
  staff: (id: string) => ['staff', 'detail', id] as const,
  staffAll: ['staff'] as const,
  job: (id: string) => ['jobs', id] as const,
};
