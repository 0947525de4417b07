import { Link } from 'react-router';
import { PageHeading } from '../../components/Page';

export default function NotFound({ home = '/' }: { home?: string }) {
  return (
    <div className="mx-auto max-w-3xl px-4 py-12">
      <PageHeading>Page not found</PageHeading>
      <p className="mt-4 text-stone-800">
        There is no page at this address. If you typed it, check it is correct; if you followed a link, it may be out of
        date.
      </p>
      <p className="mt-6">
        <Link to={home} className="link">
          {home === '/' ? 'Go to the home page' : 'Go back to the start'}
        </Link>
      </p>
    </div>
  );
}
