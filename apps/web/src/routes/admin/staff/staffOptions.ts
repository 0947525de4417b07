import { LGAS, STAFF_ROLES, STAFF_STATUSES, type StaffRole } from '@oslrs/core';
import type { Option } from '../../../components/Field';
import { t } from '../../../i18n';

/** Labels are read at render time (components re-render on a language change through useT()). */
export const roleOptions = (): readonly Option[] =>
  STAFF_ROLES.map((role) => ({ value: role, label: roleLabel(role) }));
export const statusOptions = (): readonly Option[] => STAFF_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }));
export const LGA_OPTIONS: readonly Option[] = LGAS.map((lga) => ({ value: lga.code, label: lga.name }));

/** Supervisors and enumerators work in one LGA, so they need one. */
export function needsLga(role: string): boolean {
  return role === 'supervisor' || role === 'enumerator';
}

export function roleLabel(role: string): string {
  return (STAFF_ROLES as readonly string[]).includes(role) ? t(`staff.admin.role.${role as StaffRole}`) : role;
}

export function statusLabel(status: string): string {
  return (STAFF_STATUSES as readonly string[]).includes(status) ? t(`staff.admin.status.${status}`) : status;
}
