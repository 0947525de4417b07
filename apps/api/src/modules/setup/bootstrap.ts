/**
 * First run (and every start after it): reference data and the first super admin. Each piece is
 * written by the module that owns its table; this file only says what a registry needs to start.
 */
import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { systemActor } from '../../access/index.js';
import type { Db } from '../../infra/db.js';
import { recordAudit } from '../audit/index.js';
import { hashPassword, UserRepository } from '../auth/index.js';
import { ensureDefaultFraudSettings } from '../fraud/index.js';
import { seedLgas } from '../lgas/index.js';

export interface BootstrapResult {
  adminCreated: boolean;
  adminEmail?: string;
  /** Only when it was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** Reference data and the first super admin. Safe to run on every start. */
export async function bootstrap(db: Db, admin: { email?: string; password?: string }): Promise<BootstrapResult> {
  await seedLgas(db);
  await ensureDefaultFraudSettings(db);

  const users = new UserRepository();
  if (await users.anyActiveSuperAdmin(db)) return { adminCreated: false };

  const email = admin.email ?? 'admin@oslrs.local';
  const generated = admin.password ? undefined : randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(admin.password ?? generated!);
  await db.transaction(async (tx) => {
    // An existing (inactive) account with that email becomes the admin again.
    const prior = await users.findByEmail(tx, email);
    const row = prior
      ? await users.update(tx, prior.id, {
          role: 'super_admin',
          status: 'active',
          passwordHash,
          mustChangePassword: generated !== undefined,
          activatedAt: new Date(),
          updatedAt: new Date(),
        })
      : await users.insert(tx, {
          id: uuidv7(),
          email,
          fullName: 'Registry Administrator',
          role: 'super_admin',
          status: 'active',
          passwordHash,
          mustChangePassword: generated !== undefined,
          activatedAt: new Date(),
        });
    await recordAudit(tx, systemActor('bootstrap'), {
      action: 'staff.bootstrap_admin',
      targetType: 'user',
      targetId: row!.id,
      after: { email, role: 'super_admin' },
    });
  });
  return { adminCreated: true, adminEmail: email, generatedPassword: generated };
}
