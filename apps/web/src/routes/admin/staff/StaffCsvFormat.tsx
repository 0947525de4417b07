import { LGAS, ROLE_LABELS, STAFF_CSV_COLUMNS, STAFF_CSV_MAX_ROWS, STAFF_ROLES } from '@oslrs/core';
import { TableHead } from '../../../components/Table';

/** The header line a staff CSV must start with. */
export const HEADER = STAFF_CSV_COLUMNS.join(',');
const EXAMPLE_ROW = 'Adebayo Ogunleye,adebayo.ogunleye@example.com,08031234567,enumerator,ibadan_north';

let templateUrl: string | undefined;
/** The template is made in the browser: the header and one example row. */
function templateHref(): string {
  templateUrl ??= URL.createObjectURL(
    new Blob([`${HEADER}\r\n${EXAMPLE_ROW}\r\n`], { type: 'text/csv;charset=utf-8' }),
  );
  return templateUrl;
}

/** How to write the file: columns, codes, limits, and a template to start from. */
export function StaffCsvFormat() {
  return (
    <section className="card mt-6">
      <h2 id="format-heading" className="text-xl font-bold">
        File format
      </h2>
      <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
        <li>
          A CSV file in UTF-8 (in Excel: <span className="italic">File › Save As › CSV UTF-8</span>).
        </li>
        <li>
          The first line is the header, exactly:{' '}
          <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-sm break-all">{HEADER}</code>
        </li>
        <li>
          <code className="font-mono text-sm">role</code> is one of the role codes below.
        </li>
        <li>
          <code className="font-mono text-sm">lga</code> is the LGA code, for example{' '}
          <code className="font-mono text-sm">ibadan_north</code>. It is required for supervisors and enumerators and
          may be left empty for other roles.
        </li>
        <li>At most {STAFF_CSV_MAX_ROWS.toLocaleString('en-GB')} rows and 10 MB per file.</li>
      </ul>
      <p className="mt-4">
        <a href={templateHref()} download="oslrs-staff-template.csv" className="link">
          Download template
        </a>{' '}
        <span className="text-stone-700">(the header and one example row)</span>
      </p>

      <CodeList
        className="mt-4"
        title="Role codes"
        what="Role"
        codes={STAFF_ROLES.map((role) => [role, ROLE_LABELS[role]] as const)}
      />
      <CodeList
        className="mt-3"
        title={`LGA codes (all ${LGAS.length})`}
        what="LGA"
        codes={LGAS.map((lga) => [lga.code, lga.name] as const)}
      />
    </section>
  );
}

/** A folded list of codes the file may use, with what each means. */
function CodeList({
  title,
  what,
  codes,
  className,
}: {
  title: string;
  what: string;
  codes: readonly (readonly [string, string])[];
  className: string;
}) {
  return (
    <details className={`rounded-md border border-stone-300 p-3 ${className}`}>
      <summary className="cursor-pointer font-semibold">{title}</summary>
      <table className="mt-3 text-left text-sm">
        <TableHead columns={['Code', what]} cellClassName="pr-6 pb-1" />
        <tbody>
          {codes.map(([code, meaning]) => (
            <tr key={code}>
              <td className="pr-6 font-mono">{code}</td>
              <td>{meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
