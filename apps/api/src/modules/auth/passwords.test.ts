/** Password hashing takes turns: a burst of sign-ins runs one argon2 at a time per process, each answered right. */
import { describe, expect, it } from 'vitest';
import { PASSWORD_HASHES_AT_ONCE, hashPassword, passwordHashing, verifyPassword } from './passwords.js';

describe('password hashing in turn', () => {
  it('six checks at once: one runs, five wait, every answer is right, nothing is left counted', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(passwordHashing()).toEqual({ running: 0, waiting: 0 });
    const guesses = ['correct horse battery staple', 'wrong', 'correct horse battery staple', 'Wrong', '', 'x'];
    const checks = guesses.map((g) => verifyPassword(hash, g));
    expect(passwordHashing()).toEqual({ running: PASSWORD_HASHES_AT_ONCE, waiting: guesses.length - 1 });
    const seen: number[] = [];
    const sample = setInterval(() => seen.push(passwordHashing().running), 1);
    const answers = await Promise.all(checks);
    clearInterval(sample);
    expect(answers).toEqual([true, false, true, false, false, false]);
    expect(Math.max(...seen)).toBeLessThanOrEqual(PASSWORD_HASHES_AT_ONCE);
    expect(passwordHashing()).toEqual({ running: 0, waiting: 0 });
  });

  it('a check on a malformed hash is false and frees its turn', async () => {
    const results = await Promise.all([verifyPassword('not-a-hash', 'x'), verifyPassword('$argon2id$broken', 'y')]);
    expect(results).toEqual([false, false]);
    expect(passwordHashing()).toEqual({ running: 0, waiting: 0 });
  });
});
