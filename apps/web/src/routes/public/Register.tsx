import { Link } from 'react-router';
import { PageHeading } from '../../components/Page';

export default function Register() {
  return (
    <div className="mx-auto max-w-3xl px-4 py-8 sm:py-12">
      <PageHeading>Register yourself</PageHeading>
      <div className="mt-6 rounded-md border-l-4 border-amber-500 bg-amber-50 p-4 text-stone-900">
        <p className="font-semibold">Online self-registration opens soon.</p>
        <p className="mt-1">
          It is not open yet, so there is no form on this page. Please check back, or register with a registry
          enumerator when they visit your area.
        </p>
      </div>

      <section className="mt-8" aria-labelledby="ready">
        <h2 id="ready" className="text-xl font-bold">
          What to have ready
        </h2>
        <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
          <li>
            <span className="font-semibold">Your National Identity Number (NIN)</span> — 11 digits, on your NIN slip or
            national ID card.
          </li>
          <li>
            <span className="font-semibold">A phone number you use</span>, so we can reach you about your registration.
          </li>
          <li>Your Local Government Area, your main trade or occupation, and your years of experience.</li>
        </ul>
        <p className="mt-4 text-stone-800">
          We will never ask for your Bank Verification Number (BVN) or your bank details.
        </p>
      </section>

      <p className="mt-8">
        <Link to="/" className="link">
          Back to the home page
        </Link>
      </p>
    </div>
  );
}
