import { useId, useState, type ReactNode } from 'react';
import { DataTable, TableHead } from './Table';
import { useT } from '../i18n';
import { formatNumber } from '../lib/format';

/**
 * Charts for the dashboard and the public insights, hand-written (HTML bars and one SVG) instead of a
 * chart library: they need only bars, and these cost about 1 KB gzipped where the smallest libraries
 * that draw bars (uPlot ~20 KB, Chart.js ~70 KB, Recharts ~100 KB with d3) cost far more. The bars
 * are CSS widths, so they fit any screen (375 px included) without sideways scrolling.
 *
 * Every chart is drawn for the eye only (aria-hidden); its numbers are in a table that screen readers
 * always read and that anyone can show with "Show as table".
 */

/** One bar: `count` null means the cell is suppressed and `display` says so ("fewer than 10"). */
export interface ChartRow {
  key: string;
  label: string;
  count: number | null;
  display?: string;
}

/** A count with the active language's separators. */
export const formatCount = (n: number) => formatNumber(n);
const shown = (row: ChartRow) => row.display ?? (row.count === null ? '—' : formatCount(row.count));

/** A titled chart with its numbers as a table (hidden but read by screen readers, or shown on demand). */
export function ChartCard({
  title,
  note,
  columns,
  rows,
  children,
  className = '',
}: {
  title: string;
  note?: ReactNode;
  /** The table's two column headers: what a row is, and what is counted. */
  columns: readonly [string, string];
  rows: readonly ChartRow[];
  children: ReactNode;
  className?: string;
}) {
  const { t } = useT();
  const [tableShown, setTableShown] = useState(false);
  const headingId = useId();
  const tableId = useId();
  return (
    <section className={`card min-w-0 ${className}`} aria-labelledby={headingId} data-chart={title}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id={headingId} className="text-lg font-bold">
          {title}
        </h2>
        <button
          type="button"
          className="link text-sm"
          aria-expanded={tableShown}
          aria-controls={tableId}
          onClick={() => setTableShown((v) => !v)}
        >
          {tableShown ? t('common.chart.hideTable') : t('common.chart.showTable')}
        </button>
      </div>
      {note ? <p className="mt-1 text-sm text-stone-700">{note}</p> : null}
      {rows.length === 0 ? (
        <p className="mt-3 text-stone-700">{t('common.chart.noRegistrations')}</p>
      ) : (
        <>
          <div aria-hidden="true" className={tableShown ? 'hidden' : 'mt-3'}>
            {children}
          </div>
          <div id={tableId}>
            <DataTable caption={title} className={tableShown ? 'mt-3' : 'sr-only'}>
              <TableHead columns={columns} className="border-b border-stone-300" cellClassName="px-2 py-1" />
              <tbody className="divide-y divide-stone-200">
                {rows.map((row) => (
                  <tr key={row.key}>
                    <th scope="row" className="px-2 py-1 font-normal">
                      {row.label}
                    </th>
                    <td className="px-2 py-1 tabular-nums">{shown(row)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          </div>
        </>
      )}
    </section>
  );
}

/** Horizontal bars, longest first as given: the label and number above each bar, so long names wrap. */
export function BarList({ rows }: { rows: readonly ChartRow[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count ?? 0));
  return (
    <ul className="space-y-2">
      {rows.map((row) => (
        <li key={row.key} data-bar={row.key}>
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <span className="min-w-0 break-words">{row.label}</span>
            <span className="shrink-0 font-semibold tabular-nums">{shown(row)}</span>
          </div>
          <div className="mt-0.5 h-3 w-full rounded-sm bg-stone-100">
            {row.count === null ? (
              <div className="h-3 w-3 rounded-sm border border-dashed border-stone-500" />
            ) : (
              <div
                className="h-3 rounded-sm bg-green-700"
                style={{ width: `${Math.max(row.count > 0 ? 1 : 0, (row.count / max) * 100)}%` }}
              />
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Counts over time as columns; the axis labels are HTML so they stay legible when the SVG stretches. */
export function TimeColumns({ rows }: { rows: readonly ChartRow[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count ?? 0));
  // A single bucket (one day of registrations) is drawn as a column, not a wall: a seventh of the width, centred.
  const single = rows.length === 1;
  const n = single ? 7 : Math.max(1, rows.length);
  const at = (i: number) => (single ? 3 : i);
  const gap = n > 60 ? 0 : 0.15;
  return (
    <div>
      <div className="flex items-stretch gap-2">
        <div className="flex flex-col justify-between text-right text-xs text-stone-700 tabular-nums">
          <span>{formatCount(max)}</span>
          <span>0</span>
        </div>
        <svg
          viewBox={`0 0 ${n} 100`}
          preserveAspectRatio="none"
          className="h-40 min-w-0 flex-1 border-b border-l border-stone-400"
        >
          {rows.map((row, i) =>
            row.count === null ? (
              <rect key={row.key} x={at(i) + gap / 2} y={92} width={1 - gap} height={8} className="fill-stone-300" />
            ) : (
              <rect
                key={row.key}
                x={at(i) + gap / 2}
                y={100 - (row.count / max) * 100}
                width={1 - gap}
                height={(row.count / max) * 100}
                className="fill-green-700"
              />
            ),
          )}
        </svg>
      </div>
      <div className={`mt-1 flex gap-2 pl-8 text-xs text-stone-700 ${single ? 'justify-center' : 'justify-between'}`}>
        <span>{rows[0]?.label}</span>
        {rows.length > 1 ? <span>{rows[rows.length - 1]?.label}</span> : null}
      </div>
    </div>
  );
}
