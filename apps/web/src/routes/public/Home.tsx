import { Link } from 'react-router';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';
import { sitePath } from '../../site/pages';

/** The home page: prerendered (English at /, Yoruba at /yo) and also the app's own `/` route. */
export default function Home() {
  const { t, locale } = useT();
  return (
    <>
      <section className="bg-green-900 text-white">
        <div className="mx-auto max-w-5xl px-4 pt-8 pb-12 sm:pt-12 sm:pb-16">
          <p className="text-sm font-semibold tracking-wider text-green-100 uppercase">{t('public.home.government')}</p>
          <div className="mt-2">
            <PageHeading title="" className="text-3xl text-white sm:text-4xl">
              {t('public.home.title')}
            </PageHeading>
          </div>
          <p className="mt-4 max-w-2xl text-lg text-green-50">{t('public.home.lead')}</p>
          <div className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-center">
            <Link
              to="/register"
              className="btn bg-amber-400 px-6 py-3 text-lg text-stone-950 shadow hover:bg-amber-300"
            >
              {t('public.home.register')}
            </Link>
            <p className="text-green-50">{t('public.home.registerHint')}</p>
            <Link
              to="/marketplace"
              className="btn border border-white/80 bg-transparent px-6 py-3 text-lg text-white hover:bg-green-800"
            >
              {t('public.home.findWorkers')}
            </Link>
          </div>
        </div>
      </section>

      <div className="mx-auto max-w-5xl px-4 py-10">
        <div className="grid gap-6 md:grid-cols-3">
          <section className="card" aria-labelledby="residents">
            <h2 id="residents" className="text-xl font-bold">
              {t('public.home.residents.heading')}
            </h2>
            <p className="mt-2 text-stone-800">{t('public.home.residents.body')}</p>
            <p className="mt-3">
              <Link to="/my-registration/sign-in" className="link font-semibold">
                {t('public.doors.resident')}
              </Link>
            </p>
          </section>
          <section className="card" aria-labelledby="employers">
            <h2 id="employers" className="text-xl font-bold">
              {t('public.home.employers.heading')}
            </h2>
            <p className="mt-2 text-stone-800">{t('public.home.employers.body')}</p>
            <p className="mt-3">
              <Link to="/marketplace" className="link font-semibold">
                {t('public.home.employers.link')}
              </Link>
            </p>
          </section>
          <section className="card" aria-labelledby="consent">
            <h2 id="consent" className="text-xl font-bold">
              {t('public.home.consent.heading')}
            </h2>
            <p className="mt-2 text-stone-800">{t('public.home.consent.body')}</p>
            <p className="mt-3">
              <Link to={sitePath('privacy', locale)} reloadDocument className="link font-semibold">
                {t('public.nav.privacy')}
              </Link>
            </p>
          </section>
        </div>

        <section className="mt-10" aria-labelledby="how">
          <h2 id="how" className="text-2xl font-bold">
            {t('public.home.how.heading')}
          </h2>
          <ul className="mt-4 grid gap-3 text-stone-800 sm:grid-cols-2">
            {(['online', 'enumerator', 'paper', 'partners'] as const).map((way) => (
              <li key={way} className="card">
                <span className="font-semibold">{t(`public.home.how.${way}`)}</span> —{' '}
                {t(`public.home.how.${way}Detail`)}
              </li>
            ))}
          </ul>
          <p className="mt-6 text-stone-800">{t('public.home.how.once')}</p>
          <p className="mt-3">
            <Link to={sitePath('participate', locale)} reloadDocument className="link font-semibold">
              {t('public.home.how.more')}
            </Link>
          </p>
        </section>

        <section className="mt-10" aria-labelledby="numbers">
          <h2 id="numbers" className="text-2xl font-bold">
            {t('public.home.numbers.heading')}
          </h2>
          <p className="mt-2 text-stone-800">{t('public.home.numbers.body')}</p>
          <p className="mt-3">
            <Link to="/insights" className="link font-semibold">
              {t('public.home.numbers.link')}
            </Link>
          </p>
        </section>
      </div>
    </>
  );
}
