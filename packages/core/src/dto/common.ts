import { z } from 'zod';

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

export function pagedSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
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
