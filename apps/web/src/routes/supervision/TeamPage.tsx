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
import { PointsMap } from './PointsMap';
import { WeekChart } from './WeekChart';

/** The supervisor's team, live: progress against targets, last sync, flags; the week; today's map. */
export default function TeamPage() {
  const { user } = useAuth();
  const isAdmin = user?.role === 'super_admin';
  const [lga, setLga] = useState<string | null>(null);
  const chosen = isAdmin ? lga : (user?.lga ?? null);
  const team = useQuery({
    queryKey: supervisionKeys.team(chosen),
    queryFn: ({ signal }) => supervisionApi.team(isAdmin ? chosen : null, signal),
    refetchInterval: 60_000,
  });
  const where = chosen ? (lgaName(chosen) ?? chosen) : 'all LGAs';
  return (
    <>
      <PageHeading title="Team">Team — {where}</PageHeading>
      {isAdmin && (
        <SelectField
          label="LGA"
          className="mt-4 max-w-xs"
          value={lga ?? ''}
          onChange={(e) => setLga(e.target.value || null)}
          options={[{ value: '', label: 'All LGAs' }, ...LGAS.map((l) => ({ value: l.code, label: l.name }))]}
        />
      )}
      {team.isPending ? (
        <Loading label="Loading the team…" />
      ) : team.isError ? (
        <div className="mt-4">
          <Alert title="Could not load the team">
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
  const names = new Map(data.members.map((m) => [m.id, m.fullName]));
  const dailyTargets = data.members.reduce((s, m) => s + (m.target?.daily ?? 0), 0);
  return (
    <>
      <dl className="mt-6 grid grid-cols-3 gap-3" aria-label="Team totals">
        <Total label="Today" value={data.totals.today} />
        <Total label="This week" value={data.totals.week} />
        <Total label="Flagged this week" value={data.totals.flagged} warn={data.totals.flagged > 0} />
      </dl>
      <p className="mt-3">
        <Link to="/messages" className="link">
          Message the team
        </Link>
      </p>

      <section aria-labelledby="members-heading" className="mt-8">
        <h2 id="members-heading" className="text-xl font-bold">
          Enumerators ({data.members.length})
        </h2>
        {data.members.length === 0 ? (
          <p className="mt-3 text-stone-800">No enumerators are assigned to this LGA yet.</p>
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
          The team&rsquo;s week
        </h2>
        <WeekChart
          days={data.days}
          values={data.totals.series}
          target={dailyTargets || null}
          label="Submissions per day, last seven days"
        />
      </section>

      <section aria-labelledby="map-heading" className="mt-8">
        <h2 id="map-heading" className="text-xl font-bold">
          Today&rsquo;s GPS points
        </h2>
        <PointsMap points={data.points} tileUrl={data.tileUrl} nameOf={(id) => names.get(id) ?? 'Enumerator'} />
      </section>
    </>
  );
}

function TeamTable({ members }: { members: TeamMember[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const member = members.find((m) => m.id === editing);
  const cell = 'px-3 py-2';
  return (
    <div className="mt-3 hidden md:block">
      <DataTable
        caption="Enumerators: progress against target, last sync, flags"
        className="rounded-lg border border-stone-300 bg-white"
      >
        <TableHead
          columns={['Enumerator', 'Today', 'This week', 'Last sync', 'Flagged', 'Rejected / returned', 'Target', '']}
          className="border-b border-stone-300 bg-stone-100"
          cellClassName={`${cell} font-semibold`}
        />
        <tbody className="divide-y divide-stone-200">
          {members.map((m) => (
            <tr key={m.id} data-row={m.id}>
              <th scope="row" className={`${cell} font-semibold`}>
                {m.fullName}
                {m.status !== 'active' && <span className="font-normal text-stone-700"> ({m.status})</span>}
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
              <td className={cell}>{m.target ? `${m.target.daily} a day, ${m.target.weekly} a week` : 'Not set'}</td>
              <td className={cell}>
                <button type="button" className="btn-secondary whitespace-nowrap" onClick={() => setEditing(m.id)}>
                  {m.target ? 'Change' : 'Set'}
                  <span className="sr-only"> the target for {m.fullName}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {member && (
        <div className="card mt-3 max-w-md">
          <h3 className="font-semibold">Target for {member.fullName}</h3>
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
  const share = target ? Math.min(100, Math.round((value / target) * 100)) : 0;
  return (
    <div>
      <div className="flex justify-between text-sm">
        <span className="font-semibold">{label}</span>
        <span className="tabular-nums">
          {value}
          {target !== undefined ? ` of ${target}` : ''}
        </span>
      </div>
      {target !== undefined && (
        <div
          className="mt-1 h-2 rounded-full bg-stone-200"
          role="progressbar"
          aria-label={`${label} against target`}
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
  const [editing, setEditing] = useState(false);
  return (
    <li className="card space-y-3" data-member={m.id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-lg font-semibold">{m.fullName}</p>
        {m.status !== 'active' && <span className="text-sm text-stone-700">({m.status})</span>}
      </div>
      <Progress label="Today" value={m.today} target={m.target?.daily} />
      <Progress label="This week" value={m.week} target={m.target?.weekly} />
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        <dt className="text-stone-700">Last sync</dt>
        <dd>{m.lastSyncAt ? formatDateTime(m.lastSyncAt) : 'Nothing received yet'}</dd>
        <dt className="text-stone-700">Flagged this week</dt>
        <dd className={m.flagged > 0 ? 'font-semibold text-amber-800' : ''}>{m.flagged}</dd>
        <dt className="text-stone-700">Rejected / returned</dt>
        <dd>
          {m.rejected} / {m.returned}
        </dd>
        <dt className="text-stone-700">Target</dt>
        <dd data-target="">{m.target ? `${m.target.daily} a day, ${m.target.weekly} a week` : 'Not set'}</dd>
      </dl>
      {editing ? (
        <TargetForm member={m} onDone={() => setEditing(false)} />
      ) : (
        <button type="button" className="btn-secondary" onClick={() => setEditing(true)}>
          {m.target ? 'Change target' : 'Set target'}
          <span className="sr-only"> for {m.fullName}</span>
        </button>
      )}
    </li>
  );
}

function TargetForm({ member, onDone }: { member: TeamMember; onDone: () => void }) {
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
    <form onSubmit={onSubmit} className="space-y-3" aria-label={`Target for ${member.fullName}`}>
      <div className="grid grid-cols-2 gap-3">
        <TextField
          label="Per day"
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
          label="Per week"
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
          Save target
        </button>
        <button type="button" className="btn-secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
