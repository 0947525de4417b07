/**
 * Small-cell suppression for published statistics (public insights). A cell under the threshold is
 * never published as a number. Within a table whose cells add up to a published total, hiding one
 * cell is not enough (total − the others = the hidden cell), so complementary suppression hides
 * more cells, smallest first, until the hidden cells together hold at least the threshold and there
 * are at least two of them: subtracting the published cells from the total then yields only a sum
 * of several hidden cells that is itself not small.
 */
export const SUPPRESSION_THRESHOLD = 10;
export const SUPPRESSED_TEXT = 'fewer than 10';

export interface PublishedCell {
  key: string;
  label: string;
  /** null when suppressed: never a number for a hidden cell. */
  count: number | null;
  suppressed: boolean;
  /** The number as text, or "fewer than 10" (also shown for cells hidden to protect another). */
  display: string;
}

const shown = (key: string, label: string, count: number): PublishedCell => ({
  key,
  label,
  count,
  suppressed: false,
  display: String(count),
});
const hidden = (key: string, label: string): PublishedCell => ({
  key,
  label,
  count: null,
  suppressed: true,
  display: SUPPRESSED_TEXT,
});

/** One published number on its own (a total): suppressed when small. */
export function publishCount(key: string, label: string, count: number, threshold = SUPPRESSION_THRESHOLD) {
  return count < threshold ? hidden(key, label) : shown(key, label, count);
}

/**
 * A table of cells, with primary suppression (< threshold) and complementary suppression as above.
 * Cells keep their order.
 */
export function publishTable(
  cells: readonly { key: string; label: string; count: number }[],
  threshold = SUPPRESSION_THRESHOLD,
): PublishedCell[] {
  const hide = new Set(cells.filter((c) => c.count < threshold).map((c) => c.key));
  const hiddenSum = () => cells.filter((c) => hide.has(c.key)).reduce((a, c) => a + c.count, 0);
  const byCount = [...cells].sort((a, b) => a.count - b.count || (a.key < b.key ? -1 : 1));
  while (hide.size > 0 && hide.size < cells.length && (hide.size < 2 || hiddenSum() < threshold)) {
    const next = byCount.find((c) => !hide.has(c.key))!;
    hide.add(next.key);
  }
  return cells.map((c) => (hide.has(c.key) ? hidden(c.key, c.label) : shown(c.key, c.label, c.count)));
}
