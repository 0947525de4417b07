import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { MASTER_FORM } from '../forms/fixtures/master.js';
import { formSchema } from '../forms/schema.js';
import { activateBodySchema, changePasswordBodySchema, loginBodySchema, registerBodySchema } from './auth.js';
import { text, textProblem } from './common.js';
import { completeNinBodySchema } from './respondents.js';
import { inviteStaffBodySchema, listStaffQuerySchema, updateStaffBodySchema } from './staff.js';
import { checkNinBodySchema, mySubmissionsQuerySchema, submissionBodySchema } from './submissions.js';

const BAD = {
  nul: 'a\u0000b',
  loneHigh: 'a\ud800b',
  loneLow: 'a\udc00b',
  highAtEnd: 'ab\ud83d',
  escape: 'a\u001bb',
  del: 'a\u007fb',
};

describe('textProblem', () => {
  it('names what is wrong', () => {
    expect(textProblem(BAD.nul)).toMatch(/NUL character \(U\+0000\)/);
    expect(textProblem(BAD.loneHigh)).toMatch(/unpaired surrogate, U\+D800/);
    expect(textProblem(BAD.loneLow)).toMatch(/unpaired surrogate, U\+DC00/);
    expect(textProblem(BAD.highAtEnd)).toMatch(/unpaired surrogate, U\+D83D/);
    expect(textProblem(BAD.escape)).toMatch(/control character \(U\+001B\)/);
    expect(textProblem(BAD.del)).toMatch(/control character \(U\+007F\)/);
  });

  it('accepts any well-formed Unicode text, RTL marks and astral characters included', () => {
    for (const s of ['', 'Adébáyọ̀ Ọlọ́lá', '\u202eevil\u202c', '\u200f\u200b\ufeff', '😀👩🏽‍🚀𝕏', "'; DROP TABLE x; --"]) {
      expect(textProblem(s), JSON.stringify(s)).toBeUndefined();
    }
  });

  it('allows tab and line breaks only in multi-line text', () => {
    for (const s of ['a\tb', 'a\nb', 'a\r\nb']) {
      expect(textProblem(s)).toMatch(/tab or line break/);
      expect(textProblem(s, true)).toBeUndefined();
    }
    expect(textProblem(BAD.nul, true)).toMatch(/NUL/);
    expect(textProblem(BAD.loneHigh, true)).toMatch(/surrogate/);
  });

  it('chains like any string schema', () => {
    const name = text().trim().min(2).max(5);
    expect(name.parse('  ab  ')).toBe('ab');
    expect(name.safeParse('abcdef').success).toBe(false);
    expect(name.safeParse(' a\u0000 ').error?.issues.map((i) => i.message)).toContain(
      'Contains a NUL character (U+0000), which is not allowed',
    );
  });
});

/** Every string field of every request schema: a valid input, and the field to spoil in it. */
const CASES: { name: string; schema: z.ZodType; valid: Record<string, unknown>; fields: string[][] }[] = [
  {
    name: 'login',
    schema: loginBodySchema,
    valid: { email: 'a@b.cd', password: 'a-long-password' },
    fields: [['email'], ['password']],
  },
  {
    name: 'register',
    schema: registerBodySchema,
    valid: { fullName: 'Ada Obi', email: 'a@b.cd', phone: '08031234567' },
    fields: [['fullName'], ['email'], ['phone']],
  },
  {
    name: 'activate',
    schema: activateBodySchema,
    valid: { token: 'x'.repeat(20), password: 'a-long-password' },
    fields: [['token'], ['password']],
  },
  {
    name: 'change password',
    schema: changePasswordBodySchema,
    valid: { currentPassword: 'a-long-password', newPassword: 'another-long-password' },
    fields: [['currentPassword'], ['newPassword']],
  },
  {
    name: 'staff invite',
    schema: inviteStaffBodySchema,
    valid: {
      fullName: 'Ada Obi',
      email: 'a@b.cd',
      phone: '08031234567',
      role: 'enumerator',
      lga: 'ibadan_north',
      nin: '12345678901',
    },
    fields: [['fullName'], ['email'], ['phone'], ['lga'], ['nin']],
  },
  {
    name: 'staff update',
    schema: updateStaffBodySchema,
    valid: { lga: 'ibadan_north', nin: '12345678901' },
    fields: [['lga'], ['nin']],
  },
  {
    name: 'staff list query',
    schema: listStaffQuerySchema,
    valid: { lga: 'oyo_east', q: 'ada' },
    fields: [['lga'], ['q']],
  },
  { name: 'check NIN', schema: checkNinBodySchema, valid: { nin: '12345678901' }, fields: [['nin']] },
  {
    name: 'complete NIN',
    schema: completeNinBodySchema,
    valid: { token: 'x'.repeat(20), nin: '12345678901' },
    fields: [['token'], ['nin']],
  },
  {
    name: 'submission',
    schema: submissionBodySchema,
    valid: {
      id: '01890000-0000-7000-8000-000000000001',
      questionnaireVersionId: '01890000-0000-7000-8000-000000000002',
      answers: { surname: 'Obi', skills: ['tailoring'] },
      startedAt: '2026-01-01T10:00:00Z',
      completedAt: '2026-01-01T10:10:00Z',
      deviceId: 'device-1',
    },
    fields: [['answers', 'surname'], ['answers', 'skills', '0'], ['deviceId']],
  },
  {
    name: 'own submissions query',
    schema: mySubmissionsQuerySchema,
    valid: { cursor: '2026-01-01T10:10:00Z' },
    fields: [['cursor']],
  },
  {
    name: 'questionnaire',
    schema: formSchema,
    valid: MASTER_FORM as unknown as Record<string, unknown>,
    fields: [['title'], ['sections', '0', 'questions', '0', 'label'], ['choiceLists', 'yes_no', '0', 'label']],
  },
];

function spoil(value: Record<string, unknown>, path: string[], bad: string): Record<string, unknown> {
  const copy = structuredClone(value);
  let at: Record<string, unknown> = copy;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string, unknown>;
  at[path[path.length - 1]!] = `${String(at[path[path.length - 1]!] ?? '')}${bad}`;
  return copy;
}

describe('every request schema refuses bad text in every string field, naming it', () => {
  for (const c of CASES) {
    it(c.name, () => {
      expect(c.schema.safeParse(c.valid).error?.issues ?? []).toEqual([]);
      for (const path of c.fields) {
        for (const [kind, bad] of Object.entries({ nul: '\u0000', surrogate: '\ud800' })) {
          const result = c.schema.safeParse(spoil(c.valid, path, bad));
          expect(result.success, `${path.join('.')} with ${kind}`).toBe(false);
          const issue = result.error!.issues.find((i) => i.path.map(String).join('.') === path.join('.'));
          expect(issue?.message, `${path.join('.')} with ${kind}`).toMatch(/NUL|surrogate/);
        }
      }
    });
  }

  it('answer names too', () => {
    const body = { ...CASES.find((c) => c.name === 'submission')!.valid, answers: { 'bad\u0000': 'x' } };
    const issue = submissionBodySchema.safeParse(body).error!.issues[0]!;
    expect(issue.path).toEqual(['answers', 'bad\u0000']);
    expect(issue.message).toMatch(/^Answer name: Contains a NUL/);
  });

  it('free-text answers may span lines; names, emails and tokens may not', () => {
    const submission = CASES.find((c) => c.name === 'submission')!.valid;
    const multiline = { ...submission, answers: { business_address: '12 Ring Road\nIbadan' } };
    expect(submissionBodySchema.safeParse(multiline).success).toBe(true);
    const register = CASES.find((c) => c.name === 'register')!.valid;
    expect(registerBodySchema.safeParse({ ...register, fullName: 'Ada\nObi' }).success).toBe(false);
  });
});
