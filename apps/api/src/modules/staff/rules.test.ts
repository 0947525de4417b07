import { describe, expect, it } from 'vitest';
import { checkLga, mayGrant, resolveLga, resolveRole } from './rules.js';

describe('role cells', () => {
  it('takes one role by code or label, any case', () => {
    expect(resolveRole('enumerator')).toEqual({ role: 'enumerator' });
    expect(resolveRole(' Data entry clerk ')).toEqual({ role: 'data_entry_clerk' });
    expect(resolveRole('SUPER_ADMIN')).toEqual({ role: 'super_admin' });
  });
  it('refuses a field role combined with another, and any two roles', () => {
    for (const cell of [
      'enumerator;supervisor',
      'supervisor, data_entry_clerk',
      'enumerator and government_official',
      'enumerator|enumerator',
    ]) {
      const r = resolveRole(cell);
      expect('error' in r && r.error.code, cell).toBe('ROLE_CONFLICT');
    }
    const office = resolveRole('data_entry_clerk/verification_assessor');
    expect('error' in office && office.error.message).toMatch(/exactly one role/);
  });
  it('refuses unknown and non-staff roles', () => {
    for (const cell of ['janitor', 'public_user', 'searcher', "x' or '1'='1"]) {
      const r = resolveRole(cell);
      expect('error' in r && r.error.code, cell).toBe('ROLE_UNKNOWN');
    }
    const empty = resolveRole('  ');
    expect('error' in empty && empty.error.code).toBe('ROLE_REQUIRED');
  });
});

describe('LGAs', () => {
  it('resolves codes and names', () => {
    expect(resolveLga('ibadan_north')).toBe('ibadan_north');
    expect(resolveLga('Ibadan North')).toBe('ibadan_north');
    expect(resolveLga('IBADAN_NORTH')).toBe('ibadan_north');
    expect(resolveLga('Lagos Island')).toBeNull();
  });
  it('requires an LGA for field roles only', () => {
    expect(checkLga('enumerator', '')).toMatchObject({ error: { code: 'LGA_REQUIRED' } });
    expect(checkLga('supervisor', null)).toMatchObject({ error: { code: 'LGA_REQUIRED' } });
    expect(checkLga('data_entry_clerk', '')).toEqual({ lga: null });
    expect(checkLga('data_entry_clerk', 'atlantis')).toMatchObject({ error: { code: 'LGA_UNKNOWN' } });
  });
});

describe('granting roles', () => {
  it('never above your own', () => {
    expect(mayGrant('super_admin', 'super_admin')).toBe(true);
    expect(mayGrant('supervisor', 'super_admin')).toBe(false);
    expect(mayGrant('supervisor', 'enumerator')).toBe(true);
  });
});
