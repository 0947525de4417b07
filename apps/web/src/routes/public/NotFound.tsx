import { Link } from 'react-router';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';

export default function NotFound({ home = '/' }: { home?: string }) {
  const { t } = useT();
  return (
    <div className="mx-auto max-w-3xl px-4 py-12">
      <PageHeading>{t('public.notFound.title')}</PageHeading>
      <p className="mt-4 text-stone-800">{t('public.notFound.body')}</p>
      <p className="mt-6">
        <Link to={home} className="link">
          {home === '/' ? t('public.notFound.home') : t('public.notFound.start')}
        </Link>
      </p>
    </div>
  );
}
