import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LGAS, lgaName, TARGET_LIMITS, type TeamMember, type TeamResponse } from '@oslrs/core';
import { errorMessage, validationIssues } from '../../api/client';
import { supervisionApi, supervisionKeys } from '../../api/supervision';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { SelectField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { DataTable, TableHead } from '../../components/Table';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
import { PointsMap } from './PointsMap';
import { WeekChart } from './WeekChart';

/** The supervisor's team, live: progress against targets, last sync, flags; the week; today's map. */
export default function TeamPage() {
  const { t } = useT();
  const { user } = useAuth();
  const isAdmin = user?.role === 'super_admin';
  const [lga, setLga] = useState<string | null>(null);
  const chosen = isAdmin ? lga : (user?.lga ?? null);
  const team = useQuery({
    queryKey: supervisionKeys.team(chosen),
    queryFn: ({ signal }) => supervisionApi.team(isAdmin ? chosen : null, signal),
    refetchInterval: 60_000,
  });
  const where = chosen ? (lgaName(chosen) ?? chosen) : t('staff.team.allLgas');
  return (
    <>
      <PageHeading title={t('staff.team.title')}>{t('staff.team.heading', { where })}</PageHeading>
      {isAdmin && (
        <SelectField
          label={t('staff.registry.lga')}
          className="mt-4 max-w-xs"
          value={lga ?? ''}
          onChange={(e) => setLga(e.target.value || null)}
          options={[
            { value: '', label: t('staff.review.allLgas') },
            ...LGAS.map((l) => ({ value: l.code, label: l.name })),
          ]}
        />
      )}
      {team.isPending ? (
        <Loading label={t('staff.team.loading')} />
      ) : team.isError ? (
        <div className="mt-4">
          <Alert title={t('staff.team.loadFailed')}>
            <p>{errorMessage(team.error)}</p>
          </Alert>
        </div>
      ) : (
        <TeamBody data={team.data} />
      )}
    </>
  );
}

function TeamBody({ data }: { data: TeamResponse }) {
  const { t } = useT();
  const names = new Map(data.members.map((m) => [m.id, m.fullName]));
  const dailyTargets = data.members.reduce((s, m) => s + (m.target?.daily ?? 0), 0);
  return (
    <>
      <dl className="mt-6 grid grid-cols-3 gap-3" aria-label={t('staff.team.totals')}>
        <Total label={t('staff.team.today')} value={data.totals.today} />
        <Total label={t('staff.team.week')} value={data.totals.week} />
        <Total label={t('staff.team.flaggedWeek')} value={data.totals.flagged} warn={data.totals.flagged > 0} />
      </dl>
      <p className="mt-3">
        <Link to="/messages" className="link">
          {t('staff.team.message')}
        </Link>
      </p>

      <section aria-labelledby="members-heading" className="mt-8">
        <h2 id="members-heading" className="text-xl font-bold">
          {t('staff.team.enumerators', { count: data.members.length })}
        </h2>
        {data.members.length === 0 ? (
          <p className="mt-3 text-stone-800">{t('staff.team.noMembers')}</p>
        ) : (
          <>
            {/* Wide screens: one table to compare the team at a glance. */}
            <TeamTable members={data.members} />
            {/* Phones: a card each (a table of eight columns would scroll sideways). */}
            <ul className="mt-3 grid gap-3 md:hidden">
              {data.members.map((m) => (
                <MemberCard key={m.id} member={m} />
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="week-heading" className="mt-8">
        <h2 id="week-heading" className="text-xl font-bold">
          {t('staff.team.weekHeading')}
        </h2>
        <WeekChart
          days={data.days}
          values={data.totals.series}
          target={dailyTargets || null}
          label={t('staff.team.perDay')}
        />
      </section>

      <section aria-labelledby="map-heading" className="mt-8">
        <h2 id="map-heading" className="text-xl font-bold">
          {t('staff.team.points')}
        </h2>
        <PointsMap
          points={data.points}
          tileUrl={data.tileUrl}
          nameOf={(id) => names.get(id) ?? t('common.role.enumerator')}
        />
      </section>
    </>
  );
}

function TeamTable({ members }: { members: TeamMember[] }) {
  const { t } = useT();
  const [editing, setEditing] = useState<string | null>(null);
  const member = members.find((m) => m.id === editing);
  const cell = 'px-3 py-2';
  return (
    <div className="mt-3 hidden md:block">
      <DataTable caption={t('staff.team.tableCaption')} className="rounded-lg border border-stone-300 bg-white">
        <TableHead
          columns={[
            t('common.role.enumerator'),
            t('staff.team.today'),
            t('staff.team.week'),
            t('staff.team.lastSync'),
            t('staff.team.flagged'),
            t('staff.team.rejectedReturned'),
            t('staff.team.target'),
            '',
          ]}
          className="border-b border-stone-300 bg-stone-100"
          cellClassName={`${cell} font-semibold`}
        />
        <tbody className="divide-y divide-stone-200">
          {members.map((m) => (
            <tr key={m.id} data-row={m.id}>
              <th scope="row" className={`${cell} font-semibold`}>
                {m.fullName}
                {m.status !== 'active' && (
                  <span className="font-normal text-stone-700"> ({labelOf(t, 'staff.team.status', m.status)})</span>
                )}
              </th>
              <td className={`${cell} tabular-nums`}>{m.target ? `${m.today} / ${m.target.daily}` : m.today}</td>
              <td className={`${cell} tabular-nums`}>{m.target ? `${m.week} / ${m.target.weekly}` : m.week}</td>
              <td className={cell}>{m.lastSyncAt ? formatDateTime(m.lastSyncAt) : '—'}</td>
              <td className={`${cell} tabular-nums ${m.flagged > 0 ? 'font-semibold text-amber-800' : ''}`}>
                {m.flagged}
              </td>
              <td className={`${cell} tabular-nums`}>
                {m.rejected} / {m.returned}
              </td>
              <td className={cell}>
                {m.target
                  ? t('staff.team.targetValue', { daily: m.target.daily, weekly: m.target.weekly })
                  : t('staff.team.notSet')}
              </td>
              <td className={cell}>
                <button type="button" className="btn-secondary whitespace-nowrap" onClick={() => setEditing(m.id)}>
                  {m.target ? t('staff.team.change') : t('staff.team.set')}
                  <span className="sr-only"> {t('staff.team.theTargetFor', { name: m.fullName })}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {member && (
        <div className="card mt-3 max-w-md">
          <h3 className="font-semibold">{t('staff.team.targetFor', { name: member.fullName })}</h3>
          <div className="mt-2">
            <TargetForm key={member.id} member={member} onDone={() => setEditing(null)} />
          </div>
        </div>
      )}
    </div>
  );
}

function Total({ label, value, warn }: { label: string; value: number; warn?: boolean }) {
  return (
    <div className={`rounded-lg border p-3 ${warn ? 'border-amber-500 bg-amber-50' : 'border-stone-300 bg-white'}`}>
      <dt className="text-sm font-semibold text-stone-700">{label}</dt>
      <dd className="text-2xl font-bold tabular-nums">{value}</dd>
    </div>
  );
}

function Progress({ label, value, target }: { label: string; value: number; target: number | undefined }) {
  const { t } = useT();
  const share = target ? Math.min(100, Math.round((value / target) * 100)) : 0;
  return (
    <div>
      <div className="flex justify-between text-sm">
        <span className="font-semibold">{label}</span>
        <span className="tabular-nums">
          {target !== undefined ? t('staff.team.ofTarget', { value, target }) : value}
        </span>
      </div>
      {target !== undefined && (
        <div
          className="mt-1 h-2 rounded-full bg-stone-200"
          role="progressbar"
          aria-label={t('staff.team.againstTarget', { label })}
          aria-valuenow={value}
          aria-valuemin={0}
          aria-valuemax={target}
        >
          <div
            className={`h-2 rounded-full ${share >= 100 ? 'bg-green-700' : 'bg-amber-500'}`}
            style={{ width: `${share}%` }}
          />
        </div>
      )}
    </div>
  );
}

function MemberCard({ member: m }: { member: TeamMember }) {
  const { t } = useT();
  const [editing, setEditing] = useState(false);
  return (
    <li className="card space-y-3" data-member={m.id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-lg font-semibold">{m.fullName}</p>
        {m.status !== 'active' && (
          <span className="text-sm text-stone-700">({labelOf(t, 'staff.team.status', m.status)})</span>
        )}
      </div>
      <Progress label={t('staff.team.today')} value={m.today} target={m.target?.daily} />
      <Progress label={t('staff.team.week')} value={m.week} target={m.target?.weekly} />
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-stone-700">{t('staff.team.lastSync')}</dt>
        <dd>{m.lastSyncAt ? formatDateTime(m.lastSyncAt) : t('staff.team.nothingYet')}</dd>
        <dt className="text-stone-700">{t('staff.team.flaggedWeek')}</dt>
        <dd className={m.flagged > 0 ? 'font-semibold text-amber-800' : ''}>{m.flagged}</dd>
        <dt className="text-stone-700">{t('staff.team.rejectedReturned')}</dt>
        <dd>
          {m.rejected} / {m.returned}
        </dd>
        <dt className="text-stone-700">{t('staff.team.target')}</dt>
        <dd data-target="">
          {m.target
            ? t('staff.team.targetValue', { daily: m.target.daily, weekly: m.target.weekly })
            : t('staff.team.notSet')}
        </dd>
      </dl>
      {editing ? (
        <TargetForm member={m} onDone={() => setEditing(false)} />
      ) : (
        <button type="button" className="btn-secondary" onClick={() => setEditing(true)}>
          {m.target ? t('staff.team.changeTarget') : t('staff.team.setTarget')}
          <span className="sr-only"> {t('staff.team.forName', { name: m.fullName })}</span>
        </button>
      )}
    </li>
  );
}

function TargetForm({ member, onDone }: { member: TeamMember; onDone: () => void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [daily, setDaily] = useState(String(member.target?.daily ?? 10));
  const [weekly, setWeekly] = useState(String(member.target?.weekly ?? 50));
  const save = useMutation({
    mutationFn: () => supervisionApi.setTarget(member.id, { daily: Number(daily), weekly: Number(weekly) }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['supervision', 'team'] });
      onDone();
    },
  });
  const issues = validationIssues(save.error);
  const issueFor = (field: string) => issues.find((i) => i.path === field)?.message;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label={t('staff.team.targetFor', { name: member.fullName })}>
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label={t('staff.team.perDayField')}
          type="number"
          inputMode="numeric"
          min={0}
          max={TARGET_LIMITS.dailyMax}
          required
          value={daily}
          onChange={(e) => setDaily(e.target.value)}
          error={issueFor('daily')}
        />
        <TextField
          label={t('staff.team.perWeekField')}
          type="number"
          inputMode="numeric"
          min={0}
          max={TARGET_LIMITS.weeklyMax}
          required
          value={weekly}
          onChange={(e) => setWeekly(e.target.value)}
          error={issueFor('weekly')}
        />
      </div>
      {save.isError && !issueFor('daily') && !issueFor('weekly') && (
        <Alert>
          <p>{errorMessage(save.error)}</p>
        </Alert>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={save.isPending}>
          {t('staff.team.saveTarget')}
        </button>
        <button type="button" className="btn-secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
