import { Link } from 'react-router';
import { questionnaires, type Questionnaire } from '../../../api/endpoints';
import { DataTable, TableHead } from '../../../components/Table';
import { formatDateTime } from '../../../lib/format';

/** The published versions, newest first, each to preview or download. */
export function VersionsTable({ questionnaire }: { questionnaire: Questionnaire }) {
  const id = questionnaire.id;
  const versions = [...questionnaire.versions].sort((a, b) => b.version - a.version);
  return (
    <section className="card mt-6" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="text-xl font-bold">
        Versions
      </h2>
      {versions.length === 0 ? (
        <p className="mt-2 text-stone-800">No version has been published yet.</p>
      ) : (
        <DataTable caption="Published versions" className="mt-3">
          <TableHead
            columns={['Version', 'Published at', 'Published by', <span className="sr-only">Actions</span>]}
            className="border-b border-stone-300"
            cellClassName="py-2 pr-4 font-semibold"
          />
          <tbody className="divide-y divide-stone-200">
            {versions.map((v) => (
              <tr key={v.version}>
                <th scope="row" className="py-2 pr-4 font-semibold tabular-nums">
                  {v.version}
                </th>
                <td className="py-2 pr-4 whitespace-nowrap">{formatDateTime(v.publishedAt)}</td>
                <td className="py-2 pr-4">{v.publishedBy ?? '—'}</td>
                <td className="space-x-4 py-2 whitespace-nowrap">
                  <Link to={`/admin/questionnaires/${id}/preview?version=${v.version}`} className="link">
                    Preview version {v.version}
                  </Link>
                  <a href={questionnaires.exportUrl(id, v.version)} className="link" download>
                    Download version {v.version}
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
