import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LGAS, PARTNER_SCOPES, type PartnerKey, type PartnerScope } from '@oslrs/core';
import { errorMessage } from '../../../api/client';
import { partnerKeys, partnerQueryKeys } from '../../../api/partners';
import { Alert, Success } from '../../../components/Alert';
import { TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';

const SCOPE_LABELS: Record<PartnerScope, string> = {
  'respondents:read': 'Read respondent records (no NIN, no phone)',
  'respondents:nin': 'Include the NIN in respondent records',
  'respondents:phone': 'Include the phone number in respondent records',
  'insights:read': 'Read aggregate insights',
  'skills:read': 'Read the skills taxonomy',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString('en-GB') : '—');

/** The key, once: copy it now, it is never shown again. */
function NewKey({ name, value, onDone }: { name: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <Success title={`Key for ${name} created`}>
      <p>
        Copy this key now and hand it to the agency securely. It is shown only once; the registry keeps only a hash.
      </p>
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
          {copied ? 'Copied' : 'Copy key'}
        </button>
        <button type="button" className="btn-secondary" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </Success>
  );
}

function CreateForm({ onCreated }: { onCreated: (name: string, key: string) => void }) {
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
      name: trimmed.length < 2 || trimmed.length > 120 ? "Give the agency's name (2 to 120 characters)" : undefined,
      scopes: scopes.length === 0 ? 'Choose at least one thing the key may read' : undefined,
      lgas: !allLgas && lgas.length === 0 ? 'Choose at least one LGA, or every LGA' : undefined,
      rate:
        !Number.isInteger(perMinute) || perMinute < 1 || perMinute > 100_000
          ? 'A whole number of calls per minute, from 1 to 100,000'
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
        New partner key
      </h2>
      <TextField
        label="Agency"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        maxLength={120}
        error={problems.name}
      />
      <fieldset aria-describedby={problems.scopes ? 'key-scopes-error' : undefined}>
        <legend className="label">What it may read</legend>
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
              {SCOPE_LABELS[s]} <span className="text-sm text-stone-600">({s})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend className="label">Where</legend>
        {problems.lgas && (
          <span role="alert" className="field-error">
            {problems.lgas}
          </span>
        )}
        <label className="flex items-center gap-2 py-1">
          <input type="radio" checked={allLgas} onChange={() => setAllLgas(true)} /> Every LGA
        </label>
        <label className="flex items-center gap-2 py-1">
          <input type="radio" checked={!allLgas} onChange={() => setAllLgas(false)} /> Chosen LGAs
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
        label="Calls per minute"
        type="number"
        min={1}
        max={100000}
        value={rate}
        onChange={(e) => setRate(e.target.value)}
        hint="Beyond this the key is answered 429 with Retry-After."
        error={problems.rate}
      />
      {create.isError && <Alert title="The key was not created">{errorMessage(create.error)}</Alert>}
      <button type="submit" className="btn-primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

function KeyRow({ k, onRotated }: { k: PartnerKey; onRotated: (name: string, key: string) => void }) {
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
          {k.state}
        </span>
      </div>
      <p className="break-all font-mono text-sm">{k.keyPrefix}…</p>
      <dl className="grid grid-cols-1 gap-x-4 text-sm sm:grid-cols-2">
        <div>
          <dt className="inline font-semibold">Scopes: </dt>
          <dd className="inline">{k.scopes.join(', ')}</dd>
        </div>
        <div>
          <dt className="inline font-semibold">LGAs: </dt>
          <dd className="inline">{k.lgas === 'all' ? 'all' : k.lgas.join(', ')}</dd>
        </div>
        <div>
          <dt className="inline font-semibold">Limit: </dt>
          <dd className="inline">{k.rateLimitPerMinute} / min</dd>
        </div>
        <div>
          <dt className="inline font-semibold">Calls: </dt>
          <dd className="inline" data-testid="key-calls">
            {k.callCount}, last {when(k.lastUsedAt)}
          </dd>
        </div>
        {k.expiresAt && (
          <div>
            <dt className="inline font-semibold">Stops working: </dt>
            <dd className="inline">{when(k.expiresAt)}</dd>
          </div>
        )}
      </dl>
      {(rotate.isError || revoke.isError) && <Alert>{errorMessage(rotate.error ?? revoke.error)}</Alert>}
      {live && (
        <div className="flex flex-wrap gap-2">
          {k.state === 'active' && (
            <button type="button" className="btn-secondary" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
              Rotate
            </button>
          )}
          <button
            type="button"
            className="btn-danger"
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke the key of ${k.name}? It stops working at once.`)) revoke.mutate();
            }}
          >
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}

/** Partner keys: create (the key shown once), rotate (7-day overlap), revoke, and each key's use. */
export default function PartnerKeys() {
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const list = useQuery({ queryKey: partnerQueryKeys.keys, queryFn: ({ signal }) => partnerKeys.list(signal) });
  const show = (name: string, key: string) => setShown({ name, key });
  return (
    <div className="max-w-4xl">
      <PageHeading>Partner API keys</PageHeading>
      <p className="mt-2 text-stone-800">
        Other agencies read the registry through the partner API with a key. Each key reads only what its scopes and
        LGAs allow, and every call it makes is written to the audit log.{' '}
        <a className="underline" href="/partner-api">
          Partner API guide
        </a>{' '}
        (the page to send to agencies).
      </p>
      {shown && (
        <div className="mt-6">
          <NewKey name={shown.name} value={shown.key} onDone={() => setShown(null)} />
        </div>
      )}
      <CreateForm onCreated={show} />
      <h2 className="mt-8 text-xl font-bold">Keys</h2>
      {list.isPending && <p className="mt-2">Loading…</p>}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="mt-2">No keys yet.</p>}
      <ul className="mt-3 space-y-3">
        {list.data?.items.map((k) => (
          <KeyRow key={k.id} k={k} onRotated={show} />
        ))}
      </ul>
    </div>
  );
}
