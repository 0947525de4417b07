import type { QuestionnaireStatus } from '../../../api/endpoints';

const LABELS: Record<QuestionnaireStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
};

const STYLES: Record<QuestionnaireStatus, string> = {
  draft: 'bg-amber-100 text-amber-950 ring-amber-300',
  published: 'bg-green-100 text-green-950 ring-green-300',
  archived: 'bg-stone-200 text-stone-900 ring-stone-400',
};

export function QuestionnaireStatusBadge({ status }: { status: QuestionnaireStatus }) {
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-medium whitespace-nowrap ring-1 ring-inset ${STYLES[status] ?? STYLES.draft}`}
    >
      {LABELS[status] ?? status}
    </span>
  );
}

/** "Staff and public", "Staff", "Public" or "—". */
export function usageLabel(usage: { staff: boolean; public: boolean } | undefined): string {
  if (usage?.staff && usage.public) return 'Staff and public';
  if (usage?.staff) return 'Staff';
  if (usage?.public) return 'Public';
  return '—';
}
