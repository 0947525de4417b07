import { sql } from 'drizzle-orm';
import { LGAS } from '@oslrs/core';
import { lgas } from '../../db/schema/lgas.js';
import type { Executor } from '../../infra/db.js';

/** Oyo State's 33 LGAs from `@oslrs/core` (copied from the registry's reference data); names kept current. */
export async function seedLgas(executor: Executor) {
  await executor
    .insert(lgas)
    .values([...LGAS])
    .onConflictDoUpdate({ target: lgas.code, set: { name: sql`excluded.name` } });
}
