import { useT } from '../i18n';

/** A quiet loading line; the text is what a screen reader hears. */
export function Loading({ label }: { label?: string }) {
  const { t } = useT();
  return (
    <div className="flex items-center gap-3 p-6 text-stone-700">
      <span
        aria-hidden="true"
        className="inline-block size-5 animate-spin rounded-full border-2 border-stone-300 border-t-green-800"
      />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}
