import { LGAS, ROLE_LABELS, STAFF_ROLES, STAFF_STATUSES, type StaffRole, type StaffStatus } from '@oslrs/core';
import type { Option } from '../../../components/Field';

export const STATUS_LABELS: Record<StaffStatus, string> = {
  invited: 'Invited',
  active: 'Active',
  suspended: 'Suspended',
  deactivated: 'Deactivated',
};

export const ROLE_OPTIONS: readonly Option[] = STAFF_ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role] }));
export const STATUS_OPTIONS: readonly Option[] = STAFF_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));
export const LGA_OPTIONS: readonly Option[] = LGAS.map((lga) => ({ value: lga.code, label: lga.name }));

/** Supervisors and enumerators work in one LGA, so they need one. */
export function needsLga(role: string): boolean {
  return role === 'supervisor' || role === 'enumerator';
}

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as StaffRole] ?? role;
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as StaffStatus] ?? status;
}
