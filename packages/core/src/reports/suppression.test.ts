import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SUPPRESSED_TEXT, publishTable } from './suppression.js';

const table = (counts: number[]) => counts.map((count, i) => ({ key: `k${i}`, label: `K${i}`, count }));

describe('small-cell suppression', () => {
  it('shows cells of 10 and more, hides smaller ones as "fewer than 10", never as a number', () => {
    const out = publishTable(table([25, 40, 3, 12]));
    // 3 is small; 12, the next smallest, is hidden too so that 25 + 40 + ? + ? = 80 does not give the 3 away.
    expect(out.map((c) => c.display)).toEqual(['25', '40', SUPPRESSED_TEXT, SUPPRESSED_TEXT]);
    for (const c of out.filter((c) => c.suppressed)) expect(c.count).toBeNull();
  });

  it('leaves a table with no small cell alone', () => {
    expect(publishTable(table([10, 11, 500])).every((c) => !c.suppressed)).toBe(true);
  });

  it('differencing attack: total − the published cells never isolates a small cell (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 60 }), { minLength: 1, maxLength: 40 }), (counts) => {
        const cells = table(counts);
        const out = publishTable(cells);
        const total = counts.reduce((a, b) => a + b, 0);
        const hiddenCells = out.filter((c) => c.suppressed);
        if (!hiddenCells.length) return;
        // Every small cell is hidden.
        for (let i = 0; i < counts.length; i++) if (counts[i]! < 10) expect(out[i]!.suppressed).toBe(true);
        if (hiddenCells.length === counts.length) return; // everything hidden: nothing to subtract
        const residue = total - out.reduce((a, c) => a + (c.count ?? 0), 0);
        // The attacker learns only a sum of at least two hidden cells, and that sum is not small.
        expect(hiddenCells.length).toBeGreaterThanOrEqual(2);
        expect(residue).toBeGreaterThanOrEqual(10);
      }),
      { numRuns: 2000 },
    );
  });
});
