import { useT } from '../../i18n';
import { formatWeekday } from '../../lib/format';

/** A week of daily counts as plain SVG bars (no chart library), with the numbers also in text. */

/** "Mon" for "2025-11-24" (Yorùbá "Ajé"), in the active language. */
export function dayLabel(day: string): string {
  return formatWeekday(day);
}

export function WeekChart({
  days,
  values,
  target,
  label,
}: {
  days: readonly string[];
  values: readonly number[];
  /** A daily target line (the team's sum of daily targets), if any. */
  target?: number | null;
  label: string;
}) {
  const { t } = useT();
  const max = Math.max(1, ...values, target ?? 0);
  const W = 280;
  const H = 120;
  const barW = W / days.length;
  const y = (v: number) => H - (v / max) * (H - 14);
  return (
    <figure className="mt-3">
      <svg
        viewBox={`0 0 ${W} ${H + 18}`}
        className="h-auto w-full max-w-md"
        role="img"
        aria-label={`${label}: ${days.map((d, i) => `${dayLabel(d)} ${values[i]}`).join(', ')}`}
      >
        {values.map((v, i) => (
          <g key={days[i]}>
            <rect
              x={i * barW + 6}
              y={y(v)}
              width={barW - 12}
              height={H - y(v)}
              className={i === days.length - 1 ? 'fill-green-700' : 'fill-green-500'}
              rx="2"
            />
            <text
              x={i * barW + barW / 2}
              y={Math.max(10, y(v) - 3)}
              textAnchor="middle"
              className="fill-stone-800 text-[10px]"
            >
              {v}
            </text>
            <text x={i * barW + barW / 2} y={H + 14} textAnchor="middle" className="fill-stone-700 text-[10px]">
              {dayLabel(days[i]!)}
            </text>
          </g>
        ))}
        {target ? (
          <line x1="0" x2={W} y1={y(target)} y2={y(target)} className="stroke-amber-600" strokeDasharray="4 3" />
        ) : null}
      </svg>
      <figcaption className="text-sm text-stone-700">
        {label}
        {target ? ` · ${t('staff.team.targetLine', { target })}` : ''}
      </figcaption>
    </figure>
  );
}
