import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { LGAS } from '@oslrs/core';
import { DEFAULT_FRAUD_THRESHOLDS } from '@oslrs/core';
import { fraudSettings, lgas, users } from '../schema/index.js';
import type { Db } from '../../infra/db.js';
import { hashPassword } from '../../modules/auth/passwords.js';
import { recordAudit } from '../../modules/audit/service.js';

export interface BootstrapResult {
  adminCreated: boolean;
  adminEmail?: string;
  /** Only when it was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** Reference data and the first super admin. Safe to run on every start. */
export async function bootstrap(db: Db, admin: { email?: string; password?: string }): Promise<BootstrapResult> {
  await db
    .insert(lgas)
    .values([...LGAS])
    .onConflictDoUpdate({ target: lgas.code, set: { name: sql`excluded.name` } });

  // Version 1 of the fraud thresholds: SPEC's starting points.
  await db.insert(fraudSettings).values({ version: 1, thresholds: DEFAULT_FRAUD_THRESHOLDS }).onConflictDoNothing();

  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'super_admin'), eq(users.status, 'active')))
    .limit(1);
  if (existing) return { adminCreated: false };

  const email = admin.email ?? 'admin@oslrs.local';
  const generated = admin.password ? undefined : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(admin.password ?? generated!);
  await db.transaction(async (tx) => {
    // An existing (inactive) account with that email becomes the admin again.
    const [prior] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    const [row] = prior
      ? await tx
          .update(users)
          .set({ role: 'super_admin', status: 'active', passwordHash, activatedAt: new Date(), updatedAt: new Date() })
          .where(eq(users.id, prior.id))
          .returning({ id: users.id })
      : await tx
          .insert(users)
          .values({
            id: uuidv7(),
            email,
            fullName: 'Registry Administrator',
            role: 'super_admin',
            status: 'active',
            passwordHash,
            activatedAt: new Date(),
          })
          .returning({ id: users.id });
    await recordAudit(
      tx,
      { actorId: null, actorRole: null, ip: null, requestId: 'bootstrap' },
      {
        action: 'staff.bootstrap_admin',
        targetType: 'user',
        targetId: row!.id,
        after: { email, role: 'super_admin' },
      },
    );
  });
  return { adminCreated: true, adminEmail: email, generatedPassword: generated };
}
