import {
  FIELD_ROLES,
  LGAS,
  ROLE_LABELS,
  ROLE_RANK,
  STAFF_ROLES,
  isFieldRole,
  isLgaCode,
  normalizePhone,
  type ErrorCode,
  type Role,
  type StaffRole,
} from '@oslrs/core';

/** Rules for one staff record, shared by the invite form and every CSV row. */
export interface RuleError {
  field: string;
  code: ErrorCode;
  message: string;
}

const lgaByName = new Map(LGAS.map((l) => [l.name.toLowerCase(), l.code]));
const roleByLabel = new Map(STAFF_ROLES.map((r) => [ROLE_LABELS[r].toLowerCase(), r]));

/** Accepts an LGA code or its name ("Ibadan North"), returns the code. */
export function resolveLga(raw: string): string | null {
  const v = raw.trim();
  if (isLgaCode(v)) return v;
  const lower = v.toLowerCase();
  if (isLgaCode(lower)) return lower;
  return lgaByName.get(lower) ?? null;
}

/**
 * A role cell: exactly one staff role, by code or label. Several roles in one cell are refused —
 * a person holds one role, and field roles never combine with another.
 */
export function resolveRole(raw: string): { role: StaffRole } | { error: RuleError } {
  const parts = raw
    .split(/[;,|/+&]|\band\b/i)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return { error: { field: 'role', code: 'ROLE_REQUIRED', message: 'Give a role' } };
  const roles = parts.map((p) => {
    const lower = p.toLowerCase();
    const code = lower.replace(/[\s-]+/g, '_');
    return (STAFF_ROLES as readonly string[]).includes(code) ? (code as StaffRole) : (roleByLabel.get(lower) ?? null);
  });
  if (roles.length > 1) {
    const field = roles.some((r) => r && isFieldRole(r));
    return {
      error: {
        field: 'role',
        code: 'ROLE_CONFLICT',
        message: field
          ? `Field roles (${FIELD_ROLES.join(', ')}) cannot be combined with any other role`
          : 'A person holds exactly one role',
      },
    };
  }
  const role = roles[0];
  if (!role) {
    return {
      error: {
        field: 'role',
        code: 'ROLE_UNKNOWN',
        message: `Unknown role "${raw.slice(0, 40)}"; use one of ${STAFF_ROLES.join(', ')}`,
      },
    };
  }
  return { role };
}

/** Field staff work in one LGA; the LGA is required for them and must exist for anyone. */
export function checkLga(
  role: StaffRole,
  lgaRaw: string | null | undefined,
): { lga: string | null } | { error: RuleError } {
  const raw = lgaRaw?.trim() ?? '';
  if (!raw) {
    if (isFieldRole(role)) {
      return {
        error: {
          field: 'lga',
          code: 'LGA_REQUIRED',
          message: `A ${ROLE_LABELS[role].toLowerCase()} must be assigned to an LGA`,
        },
      };
    }
    return { lga: null };
  }
  const lga = resolveLga(raw);
  if (!lga) return { error: { field: 'lga', code: 'LGA_UNKNOWN', message: `Unknown LGA "${raw.slice(0, 40)}"` } };
  return { lga };
}

export function checkPhone(raw: string): { phone: string } | { error: RuleError } {
  const phone = normalizePhone(raw);
  if (!phone) {
    return {
      error: { field: 'phone', code: 'PHONE_INVALID', message: 'Enter a Nigerian phone number, e.g. 0803 123 4567' },
    };
  }
  return { phone };
}

export function mayGrant(actorRole: Role | null, role: Role): boolean {
  return actorRole !== null && ROLE_RANK[role] <= ROLE_RANK[actorRole];
}
