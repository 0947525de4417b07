import { Link } from 'react-router';
import { questionnaires, type Questionnaire } from '../../../api/endpoints';
import { DataTable, TableHead } from '../../../components/Table';
import { useT } from '../../../i18n';

/** The published versions, newest first, each to preview or download. */
export function VersionsTable({ questionnaire }: { questionnaire: Questionnaire }) {
  const { t, date } = useT();
  const id = questionnaire.id;
  const versions = [...questionnaire.versions].sort((a, b) => b.version - a.version);
  return (
    <section className="card mt-6" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="text-xl font-bold">
        {t('staff.admin.versions.title')}
      </h2>
      {versions.length === 0 ? (
        <p className="mt-2 text-stone-800">{t('staff.admin.versions.none')}</p>
      ) : (
        <DataTable caption={t('staff.admin.versions.caption')} className="mt-3">
          <TableHead
            columns={[
              t('staff.admin.versions.colVersion'),
              t('staff.admin.versions.colAt'),
              t('staff.admin.versions.colBy'),
              <span className="sr-only">{t('staff.admin.builder.actions')}</span>,
            ]}
            className="border-b border-stone-300"
            cellClassName="py-2 pr-4 font-semibold"
          />
          <tbody className="divide-y divide-stone-200">
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row" className="py-2 pr-4 font-semibold tabular-nums">
                  {v.version}
                </th>
                <td className="py-2 pr-4 whitespace-nowrap">
                  {date(v.publishedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                </td>
                <td className="py-2 pr-4">{v.publishedBy ?? '—'}</td>
                <td className="space-x-4 py-2 whitespace-nowrap">
                  <Link to={`/admin/questionnaires/${id}/preview?version=${v.version}`} className="link">
                    {t('staff.admin.versions.preview', { version: v.version })}
                  </Link>
                  <a href={questionnaires.exportUrl(id, v.version)} className="link" download>
                    {t('staff.admin.versions.download', { version: v.version })}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
