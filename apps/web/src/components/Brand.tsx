import { Link } from 'react-router';
import { useT } from '../i18n';

/** The registry's mark: three bands, green–white–green, and the short name. */
export function Brand({ to = '/', suffix }: { to?: string; suffix?: string }) {
  const { t } = useT();
  return (
    <Link to={to} className="flex items-center gap-2 rounded-sm text-white no-underline">
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-8 shrink-0">
        <rect width="32" height="32" rx="6" fill="#fff" />
        <rect x="3" y="3" width="8" height="26" rx="2" fill="#166534" />
        <rect x="21" y="3" width="8" height="26" rx="2" fill="#166534" />
      </svg>
      <span className="leading-tight">
        <span className="block text-lg font-bold tracking-wide">
          OSLRS{suffix && <span className="font-semibold"> {suffix}</span>}
        </span>
        <span className="hidden text-xs text-green-50 sm:block">{t('common.siteName')}</span>
      </span>
    </Link>
  );
}
