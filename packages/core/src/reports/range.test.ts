import { describe, expect, it } from 'vitest';
import { dateRangeProblem } from './range.js';
import { reportFilterSchema } from '../dto/reports.js';

describe('a report date range', () => {
  it('is fine open-ended, on one day, or up to ten years', () => {
    expect(dateRangeProblem(undefined, '2026-01-01')).toBeNull();
    expect(dateRangeProblem('2026-01-01', '2026-01-01')).toBeNull();
    expect(dateRangeProblem('2016-01-02', '2026-01-01')).toBeNull();
  });
  it('says, in words, a start after the end and a range over ten years; the API schema says the same', () => {
    expect(dateRangeProblem('2026-12-31', '2026-01-01')).toEqual({
      field: 'from',
      message: 'The start date is after the end date',
    });
    expect(dateRangeProblem('1926-01-01', '2026-01-01')?.field).toBe('to');
    const refused = reportFilterSchema.safeParse({ from: '2026-12-31', to: '2026-01-01' });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]).toMatchObject({ path: ['from'], message: 'The start date is after the end date' });
  });
});
