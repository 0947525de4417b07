import type {
  MarketplaceOptions,
  MarketplaceProfile,
  MarketplaceSearchPage,
  MarketplaceSearchQuery,
  MyRegistration,
  RevealLogItem,
  RevealResponse,
  SearcherStatus,
} from '@oslrs/core';
import type { SubmissionBody } from '../routes/register/collection';
import { api } from './client';

// The skills marketplace, searcher accounts and residents' self-service (shapes from @oslrs/core's
// marketplace DTOs). Type imports only: the public search page must not pull zod into its chunk.

export type MarketplaceFilters = Omit<MarketplaceSearchQuery, 'cursor' | 'limit'>;

export interface SearcherRegisterInput {
  fullName: string;
  email: string;
  password: string;
  organisation?: string;
  acceptTerms: true;
}

export const marketplaceKeys = {
  options: ['marketplace', 'options'] as const,
  search: (filters: MarketplaceFilters) => ['marketplace', 'search', filters] as const,
  profile: (id: string) => ['marketplace', 'profile', id] as const,
  searcher: ['searcher', 'me'] as const,
  reveals: (cursor: string | undefined) => ['marketplace', 'reveals', cursor ?? ''] as const,
  myRegistration: ['me', 'registration'] as const,
};

const clean = (o: object) => o as Record<string, string | number | undefined>;

export const marketplaceApi = {
  options: (signal?: AbortSignal) => api<MarketplaceOptions>('/marketplace/options', { signal }),
  search: (filters: MarketplaceFilters, cursor: string | undefined, signal?: AbortSignal) =>
    api<MarketplaceSearchPage>('/marketplace/profiles', { query: clean({ ...filters, cursor, limit: 20 }), signal }),
  profile: (id: string, signal?: AbortSignal) =>
    api<{ profile: MarketplaceProfile }>(`/marketplace/profiles/${encodeURIComponent(id)}`, { signal }),
  reveal: (id: string, purpose: string) =>
    api<RevealResponse>(`/marketplace/profiles/${encodeURIComponent(id)}/reveal`, {
      method: 'POST',
      body: { purpose },
    }),
  reveals: (cursor: string | undefined, signal?: AbortSignal) =>
    api<{ items: RevealLogItem[]; nextCursor: string | null }>('/marketplace/reveals', {
      query: clean({ cursor, limit: 25 }),
      signal,
    }),
};

export const searcherApi = {
  register: (input: SearcherRegisterInput) =>
    api<{ message: string }>('/searchers/register', { method: 'POST', body: input }),
  verify: (token: string) => api<{ message: string }>('/searchers/verify', { method: 'POST', body: { token } }),
  me: (signal?: AbortSignal) => api<{ searcher: SearcherStatus }>('/searchers/me', { signal }),
};

export interface Consent {
  marketplace: boolean;
  enriched: boolean;
}

export const selfServiceApi = {
  registration: (signal?: AbortSignal) => api<{ registration: MyRegistration | null }>('/me/registration', { signal }),
  consent: (consent: Consent) =>
    api<{ consent: Consent; listed: boolean }>('/me/consent', { method: 'PUT', body: consent }),
  bio: (bio: string | null) => api<void>('/me/bio', { method: 'PUT', body: { bio } }),
  /** The same body as a public submission; staff review it before it changes the record (202). */
  correction: (body: SubmissionBody) => api<unknown>('/me/registration/corrections', { method: 'POST', body }),
};
