import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../../../test/harness.js';
import { MIN_SCORE, assertStrongPassword, passwordStrength } from './strength.js';

describe('password strength (zxcvbn-ts)', () => {
  it('accepts long uncommon phrases, including the test admin password', async () => {
    for (const p of [ADMIN_PASSWORD, 'kola nut under the mango tree', 'a brand new password', 'my next password!']) {
      expect((await passwordStrength(p)).score, p).toBeGreaterThanOrEqual(MIN_SCORE);
      await expect(assertStrongPassword(p)).resolves.toBeUndefined();
    }
  });

  it('refuses common and breached-pattern passwords that are long enough for the length rule', async () => {
    for (const p of [
      'password123456',
      'P@ssw0rd2024!',
      'qwertyuiop123',
      'sunshine1234',
      '1234567890',
      'aaaaaaaaaaaa',
    ]) {
      expect(p.length).toBeGreaterThanOrEqual(10);
      expect((await passwordStrength(p)).score, p).toBeLessThan(MIN_SCORE);
    }
  });

  it("refuses a password made of the person's own email or name, or of the registry's name", async () => {
    const personal = ['adaeze.okonkwo@example.ng', 'Adaeze Okonkwo'];
    expect((await passwordStrength('adaezeokonkwo1', personal)).score).toBeLessThan(MIN_SCORE);
    expect((await passwordStrength('oyostate2025')).score).toBeLessThan(MIN_SCORE);
    expect((await passwordStrength('oslrsregistry')).score).toBeLessThan(MIN_SCORE);
  });

  it('explains a refusal with a stable code and advice', async () => {
    await expect(assertStrongPassword('P@ssw0rd2024!')).rejects.toMatchObject({
      statusCode: 400,
      code: 'PASSWORD_TOO_WEAK',
      details: {
        field: 'password',
        score: expect.any(Number),
        suggestions: expect.arrayContaining([expect.any(String)]),
      },
    });
  });

  it('scores only the start of a very long password (bounded work), which is still judged', async () => {
    expect((await passwordStrength('ab'.repeat(128))).score).toBeLessThan(MIN_SCORE);
    expect((await passwordStrength(`${ADMIN_PASSWORD} `.repeat(9))).score).toBeGreaterThanOrEqual(MIN_SCORE);
  });
});
