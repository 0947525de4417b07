/**
 * NINs and phones at rest, across the modules that hold them: sealing plaintext stored before
 * encryption (every start, as the schema owner; a no-op once done) and key rotation (npm run pii:rotate).
 */
import type { Db } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';
import { sealSmsNumbers } from '../../infra/sms.js';
import { rotateUsers, sealLegacyUsers } from '../auth/index.js';
import { respondentFieldName, VersionCache } from '../questionnaires/index.js';
import { rotateRespondents, sealLegacyRespondents } from '../respondents/index.js';
import { SubmissionRepository, rotateSubmissions, sealLegacySubmissions } from '../submissions/index.js';

export interface PiiCounts {
  respondents: number;
  users: number;
  submissions: number;
  /** SMS outbox rows (the recipient's number). */
  sms: number;
}

export async function sealLegacyPii(db: Db, pii: PiiCipher): Promise<PiiCounts> {
  const versions = new VersionCache();
  const fieldsOf = async (versionId: string) => {
    const v = await versions.load(db, versionId);
    return v
      ? [respondentFieldName(v.form, 'nin'), respondentFieldName(v.form, 'phone_number')]
      : ['nin', 'phone_number'];
  };
  return {
    respondents: await sealLegacyRespondents(db, pii),
    users: await sealLegacyUsers(db, pii),
    submissions: await sealLegacySubmissions(db, new SubmissionRepository(pii), fieldsOf),
    sms: await sealSmsNumbers(db, pii),
  };
}

/** Re-seal everything under the current key (and, with `reindex`, rebuild the blind index). */
export async function rotatePii(db: Db, pii: PiiCipher, opts: { reindex?: boolean } = {}): Promise<PiiCounts> {
  return {
    respondents: await rotateRespondents(db, pii, opts.reindex ?? false),
    users: await rotateUsers(db, pii, opts.reindex ?? false),
    submissions: await rotateSubmissions(db, pii),
    sms: await sealSmsNumbers(db, pii, { rotate: true, reindex: opts.reindex ?? false }),
  };
}
