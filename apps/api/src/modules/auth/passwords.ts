import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, t=2, p=1): strong, and cheap enough for a 2-vCPU box.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One argon2 computation at a time in this process; the others wait their turn (first come, first
 * served). argon2 runs on libuv's thread pool (4 threads): a burst of sign-ins — every field worker
 * at 8 a.m., or a flood of guesses — would otherwise put four memory-hard hashes per API process on
 * the cores at once, and every other request (its event loop, PostgreSQL's backends) would get a
 * fifth of a core until the burst is over. One per process (PM2 runs one process per vCPU) bounds
 * sign-in to a core's worth per process; the wait is spent by the sign-ins, not by everyone else.
 */
let hashing = 0;
const turns: (() => void)[] = [];
export const PASSWORD_HASHES_AT_ONCE = 1;

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (hashing < PASSWORD_HASHES_AT_ONCE) hashing++;
  else await new Promise<void>((ready) => turns.push(ready)); // the slot is handed over, still counted
  try {
    return await work();
  } finally {
    const next = turns.shift();
    if (next) next();
    else hashing--;
  }
}

/** How many password hashes are running and waiting in this process (for tests and metrics). */
export function passwordHashing(): { running: number; waiting: number } {
  return { running: hashing, waiting: turns.length };
}

export function hashPassword(password: string): Promise<string> {
  return inTurn(() => argon2.hash(password, OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await inTurn(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spend the same time for an unknown email as for a wrong password, so timing reveals no accounts. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('not-a-real-password-0');
  await verifyPassword(await dummy, password);
}
