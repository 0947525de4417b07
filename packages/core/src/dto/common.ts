import { z } from 'zod';

/**
 * Characters no request string may carry. PostgreSQL refuses U+0000 in text and JSON (a 500 before
 * this existed) and silently turns an unpaired UTF-16 surrogate into U+FFFD; the other C0 controls
 * and DEL have no business in a name, an email, a token or an answer and only hide text.
 */
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u001f\u007f\ud800-\udfff]/;

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `s` cannot be accepted as text, or undefined when it can. Tab, line feed and carriage return are
 * allowed only when `multiline` (labels, hints, free-text answers, passwords).
 */
export function textProblem(s: string, multiline = false): string | undefined {
  if (!SUSPECT.test(s)) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'Contains a NUL character (U+0000), which is not allowed';
    if (c < 0x20 || c === 0x7f) {
      if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return c === 0x09 || c === 0x0a || c === 0x0d
        ? 'Contains a tab or line break, which is not allowed here'
        : `Contains a control character (${hex(c)}), which is not allowed`;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `Contains a broken character (an unpaired surrogate, ${hex(c)}); send valid Unicode text`;
    }
    if (c >= 0xdc00 && c <= 0xdfff)
      return `Contains a broken character (an unpaired surrogate, ${hex(c)}); send valid Unicode text`;
  }
  return undefined;
}

/**
 * The one string primitive of every request schema (bodies, params, querystrings, answers): a string
 * without NUL, other control characters or unpaired surrogates. Chain as usual:
 * `text().trim().min(2).max(120)`; `text({ multiline: true })` also allows tab and line breaks.
 */
export function text(options: { multiline?: boolean } = {}) {
  const multiline = options.multiline ?? false;
  return z.string().superRefine((s, ctx) => {
    const problem = textProblem(s, multiline);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const uuidParamSchema = z.object({ id: z.uuid() });

/** Small lists: page/pageSize, pageSize capped at 100. */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

/**
 * How a paged list counts its total: `auto` (the default) counts a small set exactly and estimates a
 * large one; `exact` always counts (slower on a large set: ask for it when someone wants the number).
 */
export const countModeSchema = z.enum(['auto', 'exact']).default('auto');

export function pagedSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    /** The number of matches: exact, or PostgreSQL's estimate when `totalExact` is false. */
    total: z.number().int(),
    /** False when `total` is an estimate (a large set); `?count=exact` gives the exact number. */
    totalExact: z.boolean(),
  });
}

export const healthSchema = z.object({ status: z.literal('ok') });
const dependencyCheckSchema = z.object({
  status: z.enum(['ok', 'down', 'not_configured']),
  error: z.string().optional(),
});
export const readinessSchema = z.object({
  status: z.enum(['ok', 'down']),
  database: dependencyCheckSchema.optional(),
  redis: dependencyCheckSchema.optional(),
});
export const lgaListSchema = z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) });
