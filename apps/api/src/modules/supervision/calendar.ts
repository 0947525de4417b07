/**
 * Days and weeks as the field works them: West Africa Time (UTC+1 all year, no daylight saving),
 * weeks from Monday. Pure functions of `now`, so tests can pin a clock.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** WAT is UTC+1 with no daylight saving (Africa/Lagos). */
const OFFSET = HOUR;

export interface Calendar {
  /** Start of today (local midnight) as an instant. */
  todayStart: Date;
  /** Start of this week (Monday, local midnight). */
  weekStart: Date;
  /** The last seven local days, oldest first, as YYYY-MM-DD; the last is today. */
  days: string[];
  /** Start of the first of `days`. */
  seriesStart: Date;
}

export function calendarAt(now: Date): Calendar {
  const local = now.getTime() + OFFSET;
  const localMidnight = Math.floor(local / DAY) * DAY;
  const todayStart = new Date(localMidnight - OFFSET);
  // getUTCDay of the shifted instant is the local weekday (0 = Sunday).
  const weekday = new Date(localMidnight).getUTCDay();
  const sinceMonday = (weekday + 6) % 7;
  const weekStart = new Date(todayStart.getTime() - sinceMonday * DAY);
  const days: string[] = [];
  for (let i = 6; i >= 0; i--) days.push(new Date(localMidnight - i * DAY).toISOString().slice(0, 10));
  return { todayStart, weekStart, days, seriesStart: new Date(todayStart.getTime() - 6 * DAY) };
}

/** The earlier of two instants. */
export const earliest = (a: Date, b: Date) => (a < b ? a : b);
