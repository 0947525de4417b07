const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'Africa/Lagos' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Africa/Lagos',
});

/** "27 Nov 2025" in West Africa Time. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateFormat.format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : dateTimeFormat.format(date);
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

const numberFormat = new Intl.NumberFormat('en-GB');

/**
 * A list's total: "10,234" when counted, "about 10,000" (two significant figures) when the server
 * estimated it (`exact` false: a large set, see the API's `totalExact`).
 */
export function formatTotal(total: number, exact: boolean): string {
  if (exact) return numberFormat.format(total);
  if (total < 100) return `about ${numberFormat.format(total)}`;
  const step = 10 ** (Math.floor(Math.log10(total)) - 1);
  return `about ${numberFormat.format(Math.round(total / step) * step)}`;
}
