import type { GpsPoint } from '@oslrs/core';
import { formatDateTime } from '../../lib/format';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';

/**
 * Today's GPS points, plotted in Web Mercator on plain SVG. With a tile URL (MAP_TILE_URL on the
 * server) the map tiles are drawn behind the points; without one, or when tiles fail to load, the
 * points still show on a grid, and the list below names every point.
 */
const W = 320;
const H = 240;
const TILE = 256;

function project(lat: number, lng: number, zoom: number) {
  const scale = TILE * 2 ** zoom;
  const s = Math.sin((lat * Math.PI) / 180);
  return {
    x: ((lng + 180) / 360) * scale,
    y: (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale,
  };
}

/** The highest zoom (≤ 17) at which every point fits, with a margin. */
function fitZoom(points: readonly GpsPoint[]): number {
  for (let z = 17; z > 1; z--) {
    const xy = points.map((p) => project(p.lat, p.lng, z));
    const dx = Math.max(...xy.map((p) => p.x)) - Math.min(...xy.map((p) => p.x));
    const dy = Math.max(...xy.map((p) => p.y)) - Math.min(...xy.map((p) => p.y));
    if (dx <= W - 40 && dy <= H - 40) return z;
  }
  return 1;
}

const BAND_COLOUR: Record<string, string> = {
  high: '#b91c1c',
  critical: '#7f1d1d',
  medium: '#d97706',
};

export function PointsMap({
  points,
  tileUrl,
  nameOf,
}: {
  points: readonly GpsPoint[];
  tileUrl: string | null;
  nameOf: (enumeratorId: string) => string;
}) {
  const { t } = useT();
  if (points.length === 0) {
    return <p className="mt-3 text-stone-800">{t('staff.team.noPoints')}</p>;
  }
  const zoom = fitZoom(points);
  const xy = points.map((p) => project(p.lat, p.lng, zoom));
  const cx = (Math.max(...xy.map((p) => p.x)) + Math.min(...xy.map((p) => p.x))) / 2;
  const cy = (Math.max(...xy.map((p) => p.y)) + Math.min(...xy.map((p) => p.y))) / 2;
  const left = cx - W / 2;
  const top = cy - H / 2;
  const tiles: { x: number; y: number; href: string }[] = [];
  if (tileUrl) {
    const n = 2 ** zoom;
    for (let tx = Math.floor(left / TILE); tx <= Math.floor((left + W) / TILE); tx++) {
      for (let ty = Math.floor(top / TILE); ty <= Math.floor((top + H) / TILE); ty++) {
        if (ty < 0 || ty >= n) continue;
        const wrapped = ((tx % n) + n) % n;
        tiles.push({
          x: tx * TILE - left,
          y: ty * TILE - top,
          href: tileUrl.replace('{z}', String(zoom)).replace('{x}', String(wrapped)).replace('{y}', String(ty)),
        });
      }
    }
  }
  return (
    <>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="mt-3 h-auto w-full max-w-lg rounded-md border border-stone-300 bg-stone-50"
        role="img"
        aria-label={t('staff.team.mapLabel', { count: points.length })}
        data-tiles={tiles.length}
      >
        {/* Without tiles: a light grid, so distances still read. */}
        {Array.from({ length: 7 }, (_, i) => (
          <line key={`v${i}`} x1={(i * W) / 6} x2={(i * W) / 6} y1="0" y2={H} className="stroke-stone-200" />
        ))}
        {Array.from({ length: 5 }, (_, i) => (
          <line key={`h${i}`} x1="0" x2={W} y1={(i * H) / 4} y2={(i * H) / 4} className="stroke-stone-200" />
        ))}
        {tiles.map((t) => (
          <image key={t.href} href={t.href} x={t.x} y={t.y} width={TILE} height={TILE} />
        ))}
        {points.map((p, i) => (
          <circle
            key={p.submissionId}
            cx={xy[i]!.x - left}
            cy={xy[i]!.y - top}
            r="6"
            fill={BAND_COLOUR[p.band ?? ''] ?? '#15803d'}
            stroke="#fff"
            strokeWidth="2"
          >
            <title>{`${nameOf(p.enumeratorId)}, ${formatDateTime(p.completedAt)}`}</title>
          </circle>
        ))}
      </svg>
      <details className="mt-3">
        <summary className="cursor-pointer font-semibold">
          {t('staff.team.pointsList', { count: points.length })}
        </summary>
        <ul className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-300 bg-white text-sm">
          {points.map((p) => (
            <li
              key={p.submissionId}
              className="flex flex-wrap justify-between gap-x-4 px-3 py-2"
              data-point={p.submissionId}
            >
              <span className="font-semibold">{nameOf(p.enumeratorId)}</span>
              <span className="tabular-nums">
                {p.lat.toFixed(5)}, {p.lng.toFixed(5)}
                {p.accuracy !== null ? ` (±${Math.round(p.accuracy)} m)` : ''}
              </span>
              <span className="text-stone-700">
                {formatDateTime(p.completedAt)}
                {p.band && p.band !== 'clean' ? ` · ${labelOf(t, 'staff.registry.band', p.band)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}
