import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LGAS, PARTNER_SCOPES, type PARTNER_KEY_STATES, type PartnerKey, type PartnerScope } from '@oslrs/core';
import { errorMessage } from '../../../api/client';
import { partnerKeys, partnerQueryKeys } from '../../../api/partners';
import { Alert, Success } from '../../../components/Alert';
import { TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';
import { t, useT } from '../../../i18n';

/** What each scope lets a key read, in the active language (read at render time). */
const SCOPE_LABELS: Record<PartnerScope, () => string> = {
  'respondents:read': () => t('staff.admin.partners.scope.respondentsRead'),
  'respondents:nin': () => t('staff.admin.partners.scope.respondentsNin'),
  'respondents:phone': () => t('staff.admin.partners.scope.respondentsPhone'),
  'insights:read': () => t('staff.admin.partners.scope.insightsRead'),
  'skills:read': () => t('staff.admin.partners.scope.skillsRead'),
};

const STATE_LABELS: Record<(typeof PARTNER_KEY_STATES)[number], () => string> = {
  active: () => t('staff.admin.partners.state.active'),
  rotating: () => t('staff.admin.partners.state.rotating'),
  expired: () => t('staff.admin.partners.state.expired'),
  revoked: () => t('staff.admin.partners.state.revoked'),
};

/** The key, once: copy it now, it is never shown again. */
function NewKey({ name, value, onDone }: { name: string; value: string; onDone: () => void }) {
  const { t } = useT();
  const [copied, setCopied] = useState(false);
  return (
    <Success title={t('staff.admin.partners.created', { name })}>
      <p>{t('staff.admin.partners.copyNow')}</p>
      <code data-testid="new-key" className="block break-all rounded bg-white p-2 font-mono text-sm text-stone-900">
        {value}
      </code>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="btn-primary"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? t('staff.admin.partners.copied') : t('staff.admin.partners.copy')}
        </button>
        <button type="button" className="btn-secondary" onClick={onDone}>
          {t('staff.admin.partners.stored')}
        </button>
      </div>
    </Success>
  );
}

function CreateForm({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const { t } = useT();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<PartnerScope[]>(['respondents:read']);
  const [allLgas, setAllLgas] = useState(true);
  const [lgas, setLgas] = useState<string[]>([]);
  const [rate, setRate] = useState('60');
  const create = useMutation({
    mutationFn: () =>
      partnerKeys.create({
        name,
        scopes,
        lgas: allLgas ? 'all' : lgas,
        rateLimitPerMinute: Number(rate),
      }),
    onSuccess: (res) => {
      void client.invalidateQueries({ queryKey: partnerQueryKeys.keys });
      onCreated(res.partnerKey.name, res.key);
      setName('');
    },
  });
  const [problems, setProblems] = useState<{ name?: string; scopes?: string; lgas?: string; rate?: string }>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    const perMinute = Number(rate);
    const found = {
      name: trimmed.length < 2 || trimmed.length > 120 ? t('staff.admin.partners.errName') : undefined,
      scopes: scopes.length === 0 ? t('staff.admin.partners.errScopes') : undefined,
      lgas: !allLgas && lgas.length === 0 ? t('staff.admin.partners.errLgas') : undefined,
      rate:
        !Number.isInteger(perMinute) || perMinute < 1 || perMinute > 100_000
          ? t('staff.admin.partners.errRate')
          : undefined,
    };
    setProblems(found);
    if (Object.values(found).some(Boolean)) return;
    create.mutate();
  };
  const toggle = <T,>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  return (
    <form className="card mt-6 space-y-4" onSubmit={submit} noValidate aria-labelledby="create-key-heading">
      <h2 id="create-key-heading" className="text-xl font-bold">
        {t('staff.admin.partners.newKey')}
      </h2>
      <TextField
        label={t('staff.admin.partners.agency')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={120}
        error={problems.name}
      />
      <fieldset aria-describedby={problems.scopes ? 'key-scopes-error' : undefined}>
        <legend className="label">{t('staff.admin.partners.mayRead')}</legend>
        {problems.scopes && (
          <span id="key-scopes-error" role="alert" className="field-error">
            {problems.scopes}
          </span>
        )}
        {PARTNER_SCOPES.map((s) => (
          <label key={s} className="flex items-start gap-2 py-1">
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={() => setScopes((x) => toggle(x, s))}
              className="mt-1"
            />
            <span>
              {SCOPE_LABELS[s]()} <span className="text-sm text-stone-600">({s})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend className="label">{t('staff.admin.partners.where')}</legend>
        {problems.lgas && (
          <span role="alert" className="field-error">
            {problems.lgas}
          </span>
        )}
        <label className="flex items-center gap-2 py-1">
          <input type="radio" checked={allLgas} onChange={() => setAllLgas(true)} />{' '}
          {t('staff.admin.partners.everyLga')}
        </label>
        <label className="flex items-center gap-2 py-1">
          <input type="radio" checked={!allLgas} onChange={() => setAllLgas(false)} />{' '}
          {t('staff.admin.partners.chosenLgas')}
        </label>
        {!allLgas && (
          <div className="mt-2 grid max-h-56 grid-cols-1 gap-1 overflow-y-auto rounded border border-stone-300 p-2 sm:grid-cols-2">
            {LGAS.map((l) => (
              <label key={l.code} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={lgas.includes(l.code)}
                  onChange={() => setLgas((x) => toggle(x, l.code))}
                />
                {l.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <TextField
        label={t('staff.admin.partners.rate')}
        type="number"
        min={1}
        max={100000}
        value={rate}
        onChange={(e) => setRate(e.target.value)}
        hint={t('staff.admin.partners.rateHint')}
        error={problems.rate}
      />
      {create.isError && <Alert title={t('staff.admin.partners.notCreated')}>{errorMessage(create.error)}</Alert>}
      <button type="submit" className="btn-primary" disabled={create.isPending}>
        {create.isPending ? t('staff.admin.partners.creating') : t('staff.admin.partners.create')}
      </button>
    </form>
  );
}

function KeyRow({ k, onRotated }: { k: PartnerKey; onRotated: (name: string, key: string) => void }) {
  const { t, date, number } = useT();
  const when = (iso: string | null) => (iso ? date(iso, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: partnerQueryKeys.keys });
  const rotate = useMutation({
    mutationFn: () => partnerKeys.rotate(k.id),
    onSuccess: (res) => {
      refresh();
      onRotated(res.partnerKey.name, res.key);
    },
  });
  const revoke = useMutation({ mutationFn: () => partnerKeys.revoke(k.id), onSuccess: refresh });
  const live = k.state === 'active' || k.state === 'rotating';
  return (
    <li className="card space-y-2" data-testid={`key-${k.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-lg font-semibold">{k.name}</h3>
        <span className="rounded bg-stone-100 px-2 py-0.5 text-sm" data-testid="key-state">
          {STATE_LABELS[k.state]?.() ?? k.state}
        </span>
      </div>
      <p className="break-all font-mono text-sm">{k.keyPrefix}…</p>
      <dl className="grid grid-cols-1 gap-x-4 text-sm sm:grid-cols-2">
        <div>
          <dt className="inline font-semibold">{t('staff.admin.partners.scopes')} </dt>
          <dd className="inline">{k.scopes.join(', ')}</dd>
        </div>
        <div>
          <dt className="inline font-semibold">{t('staff.admin.partners.lgas')} </dt>
          <dd className="inline">{k.lgas === 'all' ? t('staff.admin.partners.allLgas') : k.lgas.join(', ')}</dd>
        </div>
        <div>
          <dt className="inline font-semibold">{t('staff.admin.partners.limit')} </dt>
          <dd className="inline">{t('staff.admin.partners.perMinute', { n: number(k.rateLimitPerMinute) })}</dd>
        </div>
        <div>
          <dt className="inline font-semibold">{t('staff.admin.partners.calls')} </dt>
          <dd className="inline" data-testid="key-calls">
            {t('staff.admin.partners.callsLast', { count: number(k.callCount), last: when(k.lastUsedAt) })}
          </dd>
        </div>
        {k.expiresAt && (
          <div>
            <dt className="inline font-semibold">{t('staff.admin.partners.stops')} </dt>
            <dd className="inline">{when(k.expiresAt)}</dd>
          </div>
        )}
      </dl>
      {(rotate.isError || revoke.isError) && <Alert>{errorMessage(rotate.error ?? revoke.error)}</Alert>}
      {live && (
        <div className="flex flex-wrap gap-2">
          {k.state === 'active' && (
            <button type="button" className="btn-secondary" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
              {t('staff.admin.partners.rotate')}
            </button>
          )}
          <button
            type="button"
            className="btn-danger"
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(t('staff.admin.partners.revokeConfirm', { name: k.name }))) revoke.mutate();
            }}
          >
            {t('staff.admin.partners.revoke')}
          </button>
        </div>
      )}
    </li>
  );
}

/** Partner keys: create (the key shown once), rotate (7-day overlap), revoke, and each key's use. */
export default function PartnerKeys() {
  const { t } = useT();
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const list = useQuery({ queryKey: partnerQueryKeys.keys, queryFn: ({ signal }) => partnerKeys.list(signal) });
  const show = (name: string, key: string) => setShown({ name, key });
  return (
    <div className="max-w-4xl">
      <PageHeading>{t('staff.admin.partners.title')}</PageHeading>
      <p className="mt-2 text-stone-800">
        {t('staff.admin.partners.intro')}{' '}
        <a className="underline" href="/partner-api">
          {t('staff.admin.partners.guide')}
        </a>{' '}
        {t('staff.admin.partners.guideNote')}
      </p>
      {shown && (
        <div className="mt-6">
          <NewKey name={shown.name} value={shown.key} onDone={() => setShown(null)} />
        </div>
      )}
      <CreateForm onCreated={show} />
      <h2 className="mt-8 text-xl font-bold">{t('staff.admin.partners.keys')}</h2>
      {list.isPending && <p className="mt-2">{t('common.loading')}</p>}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="mt-2">{t('staff.admin.partners.none')}</p>}
      <ul className="mt-3 space-y-3">
        {list.data?.items.map((k) => (
          <KeyRow key={k.id} k={k} onRotated={show} />
        ))}
      </ul>
    </div>
  );
}
