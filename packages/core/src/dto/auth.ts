import { z } from 'zod';
import { ROLES, STAFF_STATUSES } from '../roles.js';
import { text } from './common.js';
import { LOCALES } from '../i18n/locales.js';

/** Passwords: long enough to matter, short enough that hashing can't be used to burn CPU. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
/** Passwords may hold tabs and line breaks (hashed, never stored as text), but never NUL or broken text. */
export const passwordSchema = text({ multiline: true })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`);

export const emailSchema = text().trim().toLowerCase().max(254).pipe(z.email('Enter a valid email address'));

export const loginBodySchema = z.object({
  email: text().trim().toLowerCase().min(1).max(254),
  // Not the policy (old passwords may predate it) — only a bound on what we will hash.
  password: text({ multiline: true }).min(1).max(PASSWORD_MAX),
});

export const sessionUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  fullName: z.string(),
  role: z.enum(ROLES),
  status: z.enum(STAFF_STATUSES),
  lga: z.string().nullable(),
  /** The UI language chosen for the account (null: never chosen; the device's choice stands). */
  locale: z.enum(LOCALES).nullable(),

  /** The first admin's generated password: every other call is refused until it is changed. */
  mustChangePassword: z.literal(true).optional(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionResponseSchema = z.object({
  user: sessionUserSchema,
  csrfToken: z.string(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** GET /auth/me: the session, or `{ user: null }` when no one is signed in (a normal state, not an error). */
export const meResponseSchema = z.union([sessionResponseSchema, z.object({ user: z.null() })]);
export type MeResponse = z.infer<typeof meResponseSchema>;

/** PUT /auth/me/locale: the account's UI language. */
export const localeBodySchema = z.object({ locale: z.enum(LOCALES, "Choose one of the registry's languages") });

export const activateBodySchema = z.object({
  token: text().min(16).max(200),
  password: passwordSchema,
});

export const changePasswordBodySchema = z.object({
  currentPassword: text({ multiline: true }).min(1).max(PASSWORD_MAX),
  newPassword: passwordSchema,
});

/** Self-registration: the password is chosen from the emailed link, once the email is confirmed. */
export const registerBodySchema = z.object({
  fullName: text().trim().min(2, 'Enter your full name').max(120),
  email: emailSchema,
  phone: text().trim().min(7).max(20),
});

/** Confirm a registration, a staff activation or a password reset: the emailed token and a new password. */
export const tokenPasswordBodySchema = z.object({
  token: text().min(16).max(200),
  password: passwordSchema,
});
export const registerConfirmBodySchema = tokenPasswordBodySchema;
export const passwordResetConfirmBodySchema = tokenPasswordBodySchema;

export const passwordResetBodySchema = z.object({ email: emailSchema });

/** The same answer whatever the email: registration and reset requests reveal no accounts. */
export const acceptedResponseSchema = z.object({ message: z.string() });
export type AcceptedResponse = z.infer<typeof acceptedResponseSchema>;

/** 400 PASSWORD_TOO_WEAK: what the strength check found (zxcvbn's score 0–4 and advice). */
export interface PasswordTooWeakDetails {
  field: 'password';
  score: number;
  warning: string | null;
  suggestions: string[];
}

export const userResponseSchema = z.object({ user: sessionUserSchema });
