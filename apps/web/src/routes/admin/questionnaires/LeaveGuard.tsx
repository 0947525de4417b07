import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { useT } from '../../../i18n';
import { ConfirmDialog } from './BuilderFields';

/** Leaving with unsaved changes: the browser asks on a reload or close, this dialog on a link in the app. */
export function LeaveGuard({ dirty }: { dirty: boolean }) {
  const { t } = useT();
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  return (
    <ConfirmDialog
      open={blocker.state === 'blocked'}
      title={t('staff.admin.builder.leaveTitle')}
      confirmLabel={t('staff.admin.builder.leave')}
      danger
      onCancel={() => blocker.reset?.()}
      onConfirm={() => blocker.proceed?.()}
    >
      <p>{t('staff.admin.builder.leaveBody')}</p>
    </ConfirmDialog>
  );
}
