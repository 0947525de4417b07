/**
 * Respondents' NIN and phone at rest: sealing what was stored in clear before encryption (migration
 * 0014), and re-sealing under a new key (npm run pii:rotate). Batches, one UPDATE each.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';

const BATCH = 2000;

type Sealed = {
  id: string;
  nin_hash: string | null;
  nin_sealed: string | null;
  phone_hash: string | null;
  phone_sealed: string | null;
};

async function write(executor: Executor, values: Sealed[], hashes: boolean) {
  await executor.execute(sql`
    update respondents r
       set nin_sealed = v.nin_sealed, phone_sealed = v.phone_sealed, nin = null, phone = null,
           nin_hash = case when ${hashes} then v.nin_hash else r.nin_hash end,
           phone_hash = case when ${hashes} then v.phone_hash else r.phone_hash end
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
           as v(id uuid, nin_hash text, nin_sealed text, phone_hash text, phone_sealed text)
     where r.id = v.id`);
}

function sealed(pii: PiiCipher, id: string, nin: string | null, phone: string | null): Sealed {
  return {
    id,
    nin_hash: pii.blindIndexOrNull(nin, 'nin'),
    nin_sealed: pii.sealOrNull(nin, 'nin'),
    phone_hash: pii.blindIndexOrNull(phone, 'phone'),
    phone_sealed: pii.sealOrNull(phone, 'phone'),
  };
}

/** Seal and clear the plaintext kept from before encryption. Returns how many rows changed. */
export async function sealLegacyRespondents(executor: Executor, pii: PiiCipher): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = rowsOf<{ id: string; nin: string | null; phone: string | null }>(
      await executor.execute(
        sql`select id, nin, phone from respondents where nin is not null or phone is not null limit ${BATCH}`,
      ),
    );
    if (!rows.length) return total;
    await write(
      executor,
      rows.map((r) => sealed(pii, r.id, r.nin, r.phone)),
      true,
    );
    total += rows.length;
  }
}

/**
 * Re-seal every value not under the current key; with `reindex`, every value, and its blind index
 * under the current index key (run with the app stopped: look-ups miss until it finishes).
 */
export async function rotateRespondents(executor: Executor, pii: PiiCipher, reindex: boolean): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let total = 0;
  for (;;) {
    const rows = rowsOf<{ id: string; nin_sealed: string | null; phone_sealed: string | null }>(
      await executor.execute(sql`
        select id, nin_sealed, phone_sealed from respondents
         where id > ${after}::uuid and (nin_sealed is not null or phone_sealed is not null)
         order by id limit ${BATCH}`),
    );
    if (!rows.length) return total;
    after = rows[rows.length - 1]!.id;
    const stale = rows.filter(
      (r) => reindex || [r.nin_sealed, r.phone_sealed].some((v) => v !== null && !pii.isCurrent(v)),
    );
    if (!stale.length) continue;
    const values = stale.map((r) =>
      sealed(pii, r.id, pii.openOrNull(r.nin_sealed, 'nin'), pii.openOrNull(r.phone_sealed, 'phone')),
    );
    await write(executor, values, reindex);
    total += stale.length;
  }
}
