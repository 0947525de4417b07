import { MAX_CARDS_PER_PDF, type Staff } from '@oslrs/core';
import { apiUrl } from '../../api/client';
import { useT } from '../../i18n';

/**
 * Links to the registry's printable PDFs, in the reader's language. Plain links (GET, the session
 * cookie): "download" saves the file, the other opens it in the browser's viewer to print.
 */
export function MySlipLinks() {
  const { t, locale } = useT();
  const href = apiUrl('/me/registration/slip.pdf', { lang: locale });
  return (
    <p className="mt-3 flex flex-wrap gap-3">
      <a className="btn-primary" href={href} download data-testid="slip-download">
        {t('documents.slip.download')}
      </a>
      <a className="btn-secondary" href={href} target="_blank" rel="noopener">
        {t('documents.slip.print')}
      </a>
    </p>
  );
}

/** A respondent's slip, for staff printing it for a paper registration. */
export function RespondentSlipLink({ id }: { id: string }) {
  const { t, locale } = useT();
  return (
    <a
      className="btn-secondary"
      href={apiUrl(`/respondents/${id}/slip.pdf`, { lang: locale })}
      target="_blank"
      rel="noopener"
      data-testid="respondent-slip"
    >
      {t('documents.slip.staffDownload')}
    </a>
  );
}

/** One staff member's ID card. */
export function StaffCardLink({ id, name }: { id: string; name?: string }) {
  const { t, locale } = useT();
  return (
    <a
      className="link"
      href={apiUrl(`/staff/${id}/card.pdf`, { lang: locale })}
      target="_blank"
      rel="noopener"
      aria-label={name ? t('documents.card.downloadFor', { name }) : undefined}
      data-testid="staff-card"
    >
      {t('documents.card.download')}
    </a>
  );
}

/** The ID cards of everyone a staff list's filters show. */
export function StaffCardsLink({ filters }: { filters: Record<string, string | undefined> }) {
  const { t, locale } = useT();
  return (
    <p className="text-sm">
      <a
        className="link"
        href={apiUrl('/staff/cards.pdf', { ...filters, lang: locale })}
        target="_blank"
        rel="noopener"
        data-testid="staff-cards"
      >
        {t('documents.card.bulk')}
      </a>{' '}
      <span className="text-stone-600">{t('documents.card.bulkHint', { max: MAX_CARDS_PER_PDF })}</span>
    </p>
  );
}

/** A staff member's ID card: its number, expiry and the printable card. */
export function StaffCardPanel({ member }: { member: Staff }) {
  const { t, date } = useT();
  if (!member.cardNumber) return null;
  return (
    <section className="card mt-6" aria-labelledby="staff-card-heading">
      <h2 id="staff-card-heading" className="text-xl font-bold">
        {t('documents.card.subtitle')}
      </h2>
      <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold text-stone-700">{t('documents.card.number')}</dt>
        <dd className="font-mono" data-testid="staff-card-number">
          {member.cardNumber}
        </dd>
        <dt className="font-semibold text-stone-700">{t('documents.card.expires')}</dt>
        <dd>{date(member.cardExpiresAt, { dateStyle: 'long' })}</dd>
      </dl>
      <p className="mt-4">
        <StaffCardLink id={member.id} />
      </p>
    </section>
  );
}
