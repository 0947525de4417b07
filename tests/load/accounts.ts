/**
 * The accounts the scale seed creates and the load runner signs in with: fixed, derivable emails
 * (`load-<role>-<n>@load.oslrs`), every one with the same password (LOAD_PASSWORD).
 */
import type { StaffRole } from '@oslrs/core';

export const LOAD_PASSWORD = process.env.LOAD_PASSWORD ?? 'load-test-password-1';
export const LOAD_DOMAIN = 'load.oslrs';

/** 200 staff: 1 supervisor and 4–5 enumerators per LGA (33), and a few back-office accounts. */
export const STAFF_PLAN: Record<StaffRole, number> = {
  super_admin: 5,
  supervisor: 33,
  enumerator: 150,
  data_entry_clerk: 6,
  verification_assessor: 3,
  government_official: 3,
};

export function loadEmail(role: StaffRole, n: number): string {
  return `load-${role.replace(/_/g, '-')}-${n}@${LOAD_DOMAIN}`;
}
