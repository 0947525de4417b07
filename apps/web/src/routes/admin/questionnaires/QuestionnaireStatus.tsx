import type { QuestionnaireStatus } from '../../../api/endpoints';
import { t, useT } from '../../../i18n';

const LABELS: Record<QuestionnaireStatus, () => string> = {
  draft: () => t('staff.admin.questionnaires.status.draft'),
  published: () => t('staff.admin.questionnaires.status.published'),
  archived: () => t('staff.admin.questionnaires.status.archived'),
};

const STYLES: Record<QuestionnaireStatus, string> = {
  draft: 'bg-amber-100 text-amber-950 ring-amber-300',
  published: 'bg-green-100 text-green-950 ring-green-300',
  archived: 'bg-stone-200 text-stone-900 ring-stone-400',
};

export function QuestionnaireStatusBadge({ status }: { status: QuestionnaireStatus }) {
  useT(); // re-render on a language change
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[status] ?? STYLES.draft}`}
    >
      {LABELS[status]?.() ?? status}
    </span>
  );
}

/** "Staff and public", "Staff", "Public" or "—". */
export function usageLabel(usage: { staff: boolean; public: boolean } | undefined): string {
  if (usage?.staff && usage.public) return t('staff.admin.questionnaires.usage.both');
  if (usage?.staff) return t('staff.admin.questionnaires.usage.staff');
  if (usage?.public) return t('staff.admin.questionnaires.usage.public');
  return '—';
}
