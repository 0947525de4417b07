import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { isLgaCode, LGAS } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { marketplaceApi, marketplaceKeys, type MarketplaceFilters } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { useSetParam } from '../../lib/useSetParam';
import { ProfileCard } from './ProfileCard';
import { searchErrorText } from './words';
import { useT } from '../../i18n';
import { sectorName, skillName } from '../../lib/taxonomy';

/** core's MARKETPLACE_QUERY_MAX, repeated: importing it would pull the zod DTOs into this page. */
const QUERY_MAX = 100;

/** The filters as the URL holds them; anything malformed is left out rather than refused. */
function filtersFrom(params: URLSearchParams): MarketplaceFilters {
  const q = params.get('q')?.trim().slice(0, QUERY_MAX);
  const lga = params.get('lga');
  const minYears = Number(params.get('minYears'));
  return {
    ...(q ? { q } : {}),
    ...(params.get('skill') ? { skill: params.get('skill')! } : {}),
    ...(params.get('sector') ? { sector: params.get('sector')! } : {}),
    ...(lga && isLgaCode(lga) ? { lga } : {}),
    ...(Number.isInteger(minYears) && minYears > 0 ? { minYears } : {}),
    ...(params.get('verified') === 'true' ? { verified: 'true' as const } : {}),
  };
}

/** The public skills search: no sign-in, never a contact detail; filters live in the URL. */
export default function Marketplace() {
  const { t } = useT();
  const lgaOptions = [
    { value: '', label: t('marketplace.anyLga') },
    ...LGAS.map((l) => ({ value: l.code, label: l.name })),
  ];
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const setParam = useSetParam();
  const filters = filtersFrom(params);

  const options = useQuery({
    queryKey: marketplaceKeys.options,
    queryFn: ({ signal }) => marketplaceApi.options(signal),
    staleTime: 60 * 60_000,
  });
  const results = useInfiniteQuery({
    queryKey: marketplaceKeys.search(filters),
    queryFn: ({ pageParam, signal }) => marketplaceApi.search(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 60_000,
  });

  const clear = () => setParams(new URLSearchParams());

  const opts = options.data;
  const skills = (opts?.skills ?? []).filter((s) => !filters.sector || s.sector === filters.sector);
  const items = results.data?.pages.flatMap((p) => p.items);
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="mx-auto max-w-5xl px-4 py-8">
      <PageHeading>{t('marketplace.title')}</PageHeading>
      <p className="mt-2 max-w-3xl text-stone-800">
        {t('marketplace.intro')}{' '}
        {user?.role === 'searcher' ? (
          t('marketplace.introSearcher')
        ) : (
          <>
            {t('marketplace.introOthers')}{' '}
            <Link to="/marketplace/register" className="link">
              {t('marketplace.registerLink')}
            </Link>
          </>
        )}
      </p>

      {/* Keyed by the URL's words: back, forward and "Clear" put them in the box. */}
      <SearchBox key={filters.q ?? ''} initial={filters.q ?? ''} onSearch={(q) => setParam('q', q)} />

      <details className="mt-4 rounded-lg border border-stone-300 bg-white p-4" open={filtered || undefined}>
        <summary className="cursor-pointer font-semibold">{t('marketplace.filters')}</summary>
        <div className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <SelectField
            label={t('marketplace.sector')}
            name="sector"
            value={filters.sector ?? ''}
            onChange={(e) => setParam('sector', e.target.value)}
            options={[
              { value: '', label: t('marketplace.anySector') },
              ...(opts?.sectors ?? []).map((s) => ({ value: s.code, label: sectorName(t, s.code, s.name) })),
            ]}
          />
          <SelectField
            label={t('marketplace.skill')}
            name="skill"
            value={filters.skill ?? ''}
            onChange={(e) => setParam('skill', e.target.value)}
            options={[
              { value: '', label: t('marketplace.anySkill') },
              // A skill from the URL stays choosable while the list loads.
              ...(filters.skill && !skills.some((s) => s.slug === filters.skill)
                ? [{ value: filters.skill, label: opts ? skillName(t, filters.skill) : t('common.loading') }]
                : []),
              ...skills.map((s) => ({ value: s.slug, label: skillName(t, s.slug, s.label) })),
            ]}
          />
          <SelectField
            label={t('marketplace.lga')}
            name="lga"
            value={filters.lga ?? ''}
            onChange={(e) => setParam('lga', e.target.value)}
            options={lgaOptions}
          />
          <SelectField
            label={t('marketplace.experience')}
            name="minYears"
            value={filters.minYears ? String(filters.minYears) : ''}
            onChange={(e) => setParam('minYears', e.target.value)}
            options={[
              { value: '', label: t('marketplace.anyExperience') },
              ...(opts?.experience ?? [])
                .filter((b) => b.minYears > 0)
                .map((b) => ({
                  value: String(b.minYears),
                  label: t('marketplace.atLeastYears', { count: b.minYears }),
                })),
            ]}
          />
        </div>
        <label className="mt-4 flex cursor-pointer items-center gap-3">
          <input
            type="checkbox"
            name="verified"
            className="size-5 accent-green-800"
            checked={filters.verified === 'true'}
            onChange={(e) => setParam('verified', e.target.checked ? 'true' : '')}
          />
          <span>{t('marketplace.verifiedOnly')}</span>
        </label>
        {filtered && (
          <button type="button" className="btn-secondary mt-4" onClick={clear}>
            {t('marketplace.clear')}
          </button>
        )}
      </details>
      {options.isError && <p className="mt-2 text-sm text-stone-700">{t('marketplace.optionsFailed')}</p>}

      <section aria-labelledby="results-heading" className="mt-8" aria-busy={results.isFetching || undefined}>
        <h2 id="results-heading" className="sr-only">
          {t('marketplace.results')}
        </h2>
        {results.isError && !items && (
          <Alert
            title={
              results.error instanceof ApiError && results.error.status === 429
                ? t('marketplace.tooMany')
                : t('marketplace.searchFailed')
            }
          >
            <p data-testid="search-error">{searchErrorText(results.error)}</p>
          </Alert>
        )}
        {results.isPending && <p role="status">{t('marketplace.searching')}</p>}
        {items && items.length === 0 && (
          <p className="rounded-lg border border-dashed border-stone-400 bg-white p-6 text-center" role="status">
            {filtered ? t('marketplace.noMatch') : t('marketplace.noneYet')}
          </p>
        )}
        {items && items.length > 0 && (
          <ul className="grid grid-cols-1 gap-4 md:grid-cols-2" data-testid="marketplace-results">
            {items.map((p) => (
              <li key={p.id}>
                <ProfileCard profile={p} />
              </li>
            ))}
          </ul>
        )}
        {results.isFetchNextPageError && (
          <div className="mt-4">
            <Alert title={t('marketplace.moreFailed')}>
              <p>{searchErrorText(results.error)}</p>
            </Alert>
          </div>
        )}
        {results.hasNextPage && (
          <p className="mt-6 text-center">
            <button
              type="button"
              className="btn-secondary"
              disabled={results.isFetchingNextPage}
              onClick={() => void results.fetchNextPage()}
            >
              {results.isFetchingNextPage ? t('common.loading') : t('marketplace.loadMore')}
            </button>
          </p>
        )}
      </section>

      {/* A trap for scrapers (robots.txt forbids it): no person sees, reaches or follows it. */}
      {opts?.directory && (
        <a href={opts.directory} hidden aria-hidden="true" tabIndex={-1} rel="nofollow">
          Directory
        </a>
      )}
    </div>
  );
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const { t } = useT();
  const [draft, setDraft] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft.trim());
  };
  return (
    <form
      role="search"
      aria-label={t('marketplace.searchLabel')}
      onSubmit={submit}
      className="mt-6 flex flex-wrap items-end gap-3"
    >
      <TextField
        className="min-w-0 flex-1 basis-56"
        label={t('marketplace.query')}
        name="q"
        type="search"
        inputMode="search"
        maxLength={QUERY_MAX}
        placeholder={t('marketplace.queryPlaceholder')}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit" className="btn-primary">
        {t('marketplace.search')}
      </button>
    </form>
  );
}
