import type { StaffStatus } from '@oslrs/core';
import { useT } from '../../../i18n';
import { statusLabel } from './staffOptions';

const STYLES: Record<StaffStatus, string> = {
  invited: 'bg-amber-100 text-amber-950 ring-amber-300',
  active: 'bg-green-100 text-green-950 ring-green-300',
  suspended: 'bg-red-100 text-red-950 ring-red-300',
  deactivated: 'bg-stone-200 text-stone-900 ring-stone-400',
};

export function StatusBadge({ status }: { status: StaffStatus }) {
  useT(); // re-render on a language change
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${STYLES[status]}`}>
      {statusLabel(status)}
    </span>
  );
}
