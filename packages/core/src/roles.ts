/** Every role a person can hold. A person holds exactly one. */
export const ROLES = [
  'super_admin',
  'supervisor',
  'enumerator',
  'data_entry_clerk',
  'verification_assessor',
  'government_official',
  'public_user',
  'searcher',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that are staff accounts (managed by the super admin), as opposed to self-registered users. */
export const STAFF_ROLES = [
  'super_admin',
  'supervisor',
  'enumerator',
  'data_entry_clerk',
  'verification_assessor',
  'government_official',
] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Field roles never combine with another role: no one supervises their own work. */
export const FIELD_ROLES = ['supervisor', 'enumerator'] as const satisfies readonly StaffRole[];

export const ROLE_LABELS: Record<Role, string> = {
  super_admin: 'Super admin',
  supervisor: 'Supervisor',
  enumerator: 'Enumerator',
  data_entry_clerk: 'Data entry clerk',
  verification_assessor: 'Verification assessor',
  government_official: 'Government official',
  public_user: 'Public user',
  searcher: 'Marketplace searcher',
};

/**
 * Authority rank, used for "no one grants a role above their own".
 * Only the super admin manages staff today; the ranks keep the rule meaningful if that widens.
 */
export const ROLE_RANK: Record<Role, number> = {
  super_admin: 100,
  supervisor: 40,
  verification_assessor: 40,
  government_official: 30,
  data_entry_clerk: 20,
  enumerator: 20,
  searcher: 1,
  public_user: 1,
};

export const STAFF_STATUSES = ['invited', 'active', 'suspended', 'deactivated'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}
export function isFieldRole(value: string): boolean {
  return (FIELD_ROLES as readonly string[]).includes(value);
}
