/**
 * Accounts' NIN and phone at rest: sealing what was stored in clear before encryption (migration
 * 0014), and re-sealing under a new key (npm run pii:rotate). Batches in id order, one UPDATE each.
 */
import { sql } from 'drizzle-orm';
import { inIdBatches, rowsOf, type Executor } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';

const BATCH = 2000;

type Sealed = { id: string; nin_hash: string | null; nin_sealed: string | null; phone_sealed: string | null };

async function write(executor: Executor, values: Sealed[], hashes: boolean): Promise<number> {
  if (!values.length) return 0;
  await executor.execute(sql`
    update users u
       set nin_sealed = v.nin_sealed, phone_sealed = v.phone_sealed, nin = null, phone = null,
           nin_hash = case when ${hashes} then v.nin_hash else u.nin_hash end
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
           as v(id uuid, nin_hash text, nin_sealed text, phone_sealed text)
     where u.id = v.id`);
  return values.length;
}

const sealed = (pii: PiiCipher, id: string, nin: string | null, phone: string | null): Sealed => ({
  id,
  nin_hash: pii.blindIndexOrNull(nin, 'nin'),
  nin_sealed: pii.sealOrNull(nin, 'nin'),
  phone_sealed: pii.sealOrNull(phone, 'phone'),
});

export function sealLegacyUsers(executor: Executor, pii: PiiCipher): Promise<number> {
  return inIdBatches(
    async (after) =>
      rowsOf<{ id: string; nin: string | null; phone: string | null }>(
        await executor.execute(sql`
          select id, nin, phone from users
           where id > ${after}::uuid and (nin is not null or phone is not null) order by id limit ${BATCH}`),
      ),
    (rows) =>
      write(
        executor,
        rows.map((r) => sealed(pii, r.id, r.nin, r.phone)),
        true,
      ),
  );
}

export function rotateUsers(executor: Executor, pii: PiiCipher, reindex: boolean): Promise<number> {
  return inIdBatches(
    async (after) =>
      rowsOf<{ id: string; nin_sealed: string | null; phone_sealed: string | null }>(
        await executor.execute(sql`
          select id, nin_sealed, phone_sealed from users
           where id > ${after}::uuid and (nin_sealed is not null or phone_sealed is not null)
           order by id limit ${BATCH}`),
      ),
    (rows) =>
      write(
        executor,
        rows
          .filter((r) => reindex || pii.anyStale([r.nin_sealed, r.phone_sealed]))
          .map((r) => sealed(pii, r.id, pii.openOrNull(r.nin_sealed, 'nin'), pii.openOrNull(r.phone_sealed, 'phone'))),
        reindex,
      ),
  );
}
