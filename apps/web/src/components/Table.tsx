import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** A table that scrolls sideways on a narrow screen. The caption is for screen readers unless styled to show. */
export function DataTable({
  caption,
  captionClassName = 'sr-only',
  className = '',
  children,
}: {
  caption: ReactNode;
  captionClassName?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={`overflow-x-auto ${className}`}>
      <table className="w-full text-left text-sm">
        <caption className={captionClassName}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** A caption shown as the table's title bar. */
export const SHOWN_CAPTION = 'bg-stone-100 px-4 py-2 text-left font-semibold text-stone-900';

/** The header row: one column header per entry, all styled alike. */
export function TableHead({
  columns,
  className,
  cellClassName,
}: {
  columns: readonly ReactNode[];
  className?: string;
  cellClassName?: string;
}) {
  return (
    <thead className={className}>
      <tr>
        {columns.map((column, i) => (
          <th key={i} scope="col" className={cellClassName}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Problems found row by row in an uploaded file: where (as `cells`), then what, with its code. */
export function IssueTable({
  caption,
  columns,
  issues,
}: {
  caption: ReactNode;
  /** The headers of the `cells` columns; "Problem" comes last. */
  columns: readonly string[];
  issues: readonly { key: string; cells: readonly ReactNode[]; message: string; code: string }[];
}) {
  const { t } = useT();
  return (
    <DataTable caption={caption} captionClassName={SHOWN_CAPTION} className="rounded-lg border border-stone-300">
      <TableHead
        columns={[...columns, t('common.table.problem')]}
        className="border-b border-stone-300"
        cellClassName="px-3 py-2 font-semibold"
      />
      <tbody className="divide-y divide-stone-200">
        {issues.map((issue) => (
          <tr key={issue.key}>
            {issue.cells.map((cell, i) => (
              <td key={i} className="px-3 py-2 font-mono">
                {cell}
              </td>
            ))}
            <td className="px-3 py-2">
              {issue.message}
              <span className="mt-0.5 block font-mono text-xs text-stone-700">{issue.code}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
