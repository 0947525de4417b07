import { LGAS, STAFF_CSV_COLUMNS, STAFF_CSV_MAX_ROWS, STAFF_ROLES } from '@oslrs/core';
import { TableHead } from '../../../components/Table';
import { useT } from '../../../i18n';
import { roleLabel } from './staffOptions';

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

const code = (text: string) => <code className="font-mono text-sm">{text}</code>;

/** How to write the file: columns, codes, limits, and a template to start from. */
export function StaffCsvFormat() {
  const { t, number } = useT();
  return (
    <section className="card mt-6">
      <h2 id="format-heading" className="text-xl font-bold">
        {t('staff.admin.csv.title')}
      </h2>
      <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
        <li>{t('staff.admin.csv.utf8')}</li>
        <li>
          {t('staff.admin.csv.header')}{' '}
          <code className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-sm break-all">{HEADER}</code>
        </li>
        <li>
          {code('role')} — {t('staff.admin.csv.role')}
        </li>
        <li>
          {code('lga')} — {t('staff.admin.csv.lga', { example: 'ibadan_north' })}
        </li>
        <li>{t('staff.admin.csv.limits', { rows: number(STAFF_CSV_MAX_ROWS) })}</li>
      </ul>
      <p className="mt-4">
        <a href={templateHref()} download="oslrs-staff-template.csv" className="link">
          {t('staff.admin.csv.template')}
        </a>{' '}
        <span className="text-stone-700">{t('staff.admin.csv.templateHint')}</span>
      </p>

      <CodeList
        className="mt-4"
        title={t('staff.admin.csv.roleCodes')}
        what={t('staff.admin.csv.roleColumn')}
        codeColumn={t('staff.admin.csv.codeColumn')}
        codes={STAFF_ROLES.map((role) => [role, roleLabel(role)] as const)}
      />
      <CodeList
        className="mt-3"
        title={t('staff.admin.csv.lgaCodes', { count: LGAS.length })}
        what="LGA"
        codeColumn={t('staff.admin.csv.codeColumn')}
        codes={LGAS.map((lga) => [lga.code, lga.name] as const)}
      />
    </section>
  );
}

/** A folded list of codes the file may use, with what each means. */
function CodeList({
  title,
  what,
  codeColumn,
  codes,
  className,
}: {
  title: string;
  what: string;
  codeColumn: string;
  codes: readonly (readonly [string, string])[];
  className: string;
}) {
  return (
    <details className={`rounded-md border border-stone-300 p-3 ${className}`}>
      <summary className="cursor-pointer font-semibold">{title}</summary>
      <table className="mt-3 text-left text-sm">
        <TableHead columns={[codeColumn, what]} cellClassName="pr-6 pb-1" />
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
