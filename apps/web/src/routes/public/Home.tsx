import { Link } from 'react-router';
import { PageHeading } from '../../components/Page';

export default function Home() {
  return (
    <>
      <section className="bg-green-900 text-white">
        <div className="mx-auto max-w-5xl px-4 pt-8 pb-12 sm:pt-12 sm:pb-16">
          <p className="text-sm font-semibold tracking-wider text-green-100 uppercase">Oyo State Government</p>
          <div className="mt-2">
            <PageHeading title="" className="text-3xl text-white sm:text-4xl">
              Oyo State Labour &amp; Skills Registry
            </PageHeading>
          </div>
          <p className="mt-4 max-w-2xl text-lg text-green-50">
            One trusted register of Oyo State&rsquo;s workers and their skills, across all 33 Local Government Areas.
            Residents register once; employers find the skills they need; the State plans with real numbers.
          </p>
          <div className="mt-8 flex flex-col gap-3 sm:flex-row sm:items-center">
            <Link
              to="/register"
              className="btn bg-amber-400 px-6 py-3 text-lg text-stone-950 shadow hover:bg-amber-300"
            >
              Register yourself
            </Link>
            <p className="text-green-50">About 10 minutes online. Have your NIN ready if you can.</p>
            <Link
              to="/marketplace"
              className="btn border border-white/80 bg-transparent px-6 py-3 text-lg text-white hover:bg-green-800"
            >
              Find skilled workers
            </Link>
          </div>
        </div>
      </section>

      <div className="mx-auto max-w-5xl px-4 py-10">
        <div className="grid gap-6 md:grid-cols-3">
          <section className="card" aria-labelledby="residents">
            <h2 id="residents" className="text-xl font-bold">
              For residents
            </h2>
            <p className="mt-2 text-stone-800">
              Record your trade, skills and experience once. With your permission, employers across the State can find
              you for work.
            </p>
          </section>
          <section className="card" aria-labelledby="employers">
            <h2 id="employers" className="text-xl font-bold">
              For employers
            </h2>
            <p className="mt-2 text-stone-800">
              Search for skilled workers by trade, Local Government Area and years of experience, and contact those who
              have agreed to be contacted.
            </p>
            <p className="mt-3">
              <Link to="/marketplace" className="link font-semibold">
                Search the skills marketplace
              </Link>
            </p>
          </section>
          <section className="card" aria-labelledby="consent">
            <h2 id="consent" className="text-xl font-bold">
              Your consent comes first
            </h2>
            <p className="mt-2 text-stone-800">
              Nothing about you is shown without your consent. You decide separately whether to appear in the skills
              search and whether employers may see your name and phone number — and you can withdraw either at any time.
            </p>
          </section>
        </div>

        <section className="mt-10" aria-labelledby="how">
          <h2 id="how" className="text-2xl font-bold">
            How people are registered
          </h2>
          <ul className="mt-4 grid gap-3 text-stone-800 sm:grid-cols-2">
            <li className="card">
              <span className="font-semibold">Online, by yourself</span> — on your phone or computer.
            </li>
            <li className="card">
              <span className="font-semibold">By a field enumerator</span> — registry staff visit every LGA.
            </li>
            <li className="card">
              <span className="font-semibold">On paper</span> — forms typed in by the registry&rsquo;s clerks.
            </li>
            <li className="card">
              <span className="font-semibold">From partner agencies</span> — lists checked so no one is counted twice.
            </li>
          </ul>
          <p className="mt-6 text-stone-800">
            Each person is recorded once, keyed to their National Identity Number (NIN), whichever way they registered.
          </p>
        </section>

        <section className="mt-10" aria-labelledby="numbers">
          <h2 id="numbers" className="text-2xl font-bold">
            The registry in numbers
          </h2>
          <p className="mt-2 text-stone-800">
            See how many people have registered, by Local Government Area, sector, gender, age and month.
          </p>
          <p className="mt-3">
            <Link to="/insights" className="link font-semibold">
              Registry insights
            </Link>
          </p>
        </section>
      </div>
    </>
  );
}
