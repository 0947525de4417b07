/** The longest date range a report accepts (inclusive days ≈ 10 years). */
export const REPORT_MAX_RANGE_DAYS = 3653;

const dayNumber = (s: string) => Date.parse(`${s}T00:00:00Z`) / 86_400_000;

/**
 * What is wrong with a report's date range (YYYY-MM-DD, inclusive), in words a person reads, or
 * null. The API's filter schema and the pages that build filters share it (no validation library).
 */
export function dateRangeProblem(
  from: string | undefined,
  to: string | undefined,
): { field: 'from' | 'to'; message: string } | null {
  if (!from || !to) return null;
  if (from > to) return { field: 'from', message: 'The start date is after the end date' };
  if (dayNumber(to) - dayNumber(from) + 1 > REPORT_MAX_RANGE_DAYS)
    return { field: 'to', message: 'The date range is longer than ten years' };
  return null;
}
