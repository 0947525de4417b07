import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import {
  CARD_ROLE_TEXT_IDS,
  REGISTRATION_STATUS_TEXT_IDS,
  lgaName,
  normalizeCode,
  parseCode,
  type CardCheck,
  type CodeKind,
  type RegistrationCheck,
} from '@oslrs/core';
import { api, ApiError } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';

/** What went wrong with a check, in words (the code is read first on the device: a typo never costs a look-up). */
function useProblem(kind: CodeKind) {
  const { t } = useT();
  const prefix = kind === 'card' ? 'documents.verifyCard' : 'documents.verifyRegistration';
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      if (error.status === 404) return t(`${prefix}.unknown`);
      if (error.code === 'REFERENCE_INVALID' || error.code === 'CARD_NUMBER_INVALID') return t(`${prefix}.typo`);
      if (error.code === 'RATE_LIMITED') return t('documents.verify.rateLimited');
    }
    return t('documents.verify.failed');
  };
}

/**
 * `/verify/r/<reference>`, opened by a registration slip's QR code: whether the reference exists and
 * its status. Never a name or any other personal detail (the API does not send any).
 */
export function VerifyRegistration() {
  const { t } = useT();
  const problem = useProblem('registration');
  const raw = useParams().reference ?? '';
  const code = normalizeCode('registration', raw);
  const check = useQuery({
    queryKey: ['verify', 'registration', code],
    queryFn: () => api<RegistrationCheck>(`/verify/registration/${encodeURIComponent(code!)}`),
    enabled: !!code,
    retry: false,
  });
  let body;
  if (!code) body = <Alert title={t('documents.verifyRegistration.typo')}>{raw}</Alert>;
  else if (check.isPending) body = <Loading />;
  else if (check.isError) body = <Alert title={problem(check.error)}>{code}</Alert>;
  else {
    const status = check.data.verified ? 'verified' : check.data.status;
    body = (
      <Success title={t('documents.verifyRegistration.valid')}>
        <p className="font-mono text-lg" data-testid="verify-reference">
          {check.data.reference}
        </p>
        <p data-testid="verify-status">
          {t('documents.verifyRegistration.status', {
            status: t(REGISTRATION_STATUS_TEXT_IDS[status] ?? 'documents.status.active'),
          })}
        </p>
      </Success>
    );
  }
  return (
    <div className="mx-auto max-w-xl space-y-4 p-4">
      <PageHeading>{t('documents.verifyRegistration.title')}</PageHeading>
      <div aria-live="polite">{body}</div>
      <p className="text-sm text-stone-600">{t('documents.verifyRegistration.privacy')}</p>
    </div>
  );
}

/**
 * `/verify/<cardNumber>`, opened by a staff ID card's QR code: whose card it is and whether it stands
 * today. A withdrawn or expired card says NOT VALID in plain words, whatever the card itself shows.
 */
export function VerifyCard() {
  const { t, date } = useT();
  const problem = useProblem('card');
  const raw = useParams().cardNumber ?? '';
  const parsed = parseCode('card', raw);
  const code = 'code' in parsed ? parsed.code : null;
  const check = useQuery({
    queryKey: ['verify', 'card', code],
    queryFn: () => api<CardCheck>(`/verify/${encodeURIComponent(code!)}`),
    enabled: !!code,
    retry: false,
  });
  let body;
  if (!code) body = <Alert title={t('documents.verifyCard.typo')}>{raw}</Alert>;
  else if (check.isPending) body = <Loading />;
  else if (check.isError) body = <Alert title={problem(check.error)}>{code}</Alert>;
  else {
    const c = check.data;
    const details = (
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-stone-600">{t('documents.verifyCard.name')}</dt>
        <dd className="font-semibold" data-testid="verify-name">
          {c.name}
        </dd>
        <dt className="text-stone-600">{t('documents.verifyCard.role')}</dt>
        <dd>{t(CARD_ROLE_TEXT_IDS[c.role] ?? 'documents.role.official')}</dd>
        <dt className="text-stone-600">{t('documents.verifyCard.lga')}</dt>
        <dd>{c.lga ? (lgaName(c.lga) ?? c.lga) : t('documents.card.statewide')}</dd>
        <dt className="text-stone-600">{t('documents.verifyCard.number')}</dt>
        <dd className="font-mono">{c.cardNumber}</dd>
        <dt className="text-stone-600">{t('documents.verifyCard.expires')}</dt>
        <dd>{date(c.expiresAt, { dateStyle: 'long' })}</dd>
      </dl>
    );
    body = c.valid ? (
      <Success title={t('documents.verifyCard.valid')}>
        <div data-testid="verify-card" data-valid="true">
          {details}
        </div>
      </Success>
    ) : (
      <Alert title={t('documents.verifyCard.invalid')}>
        <div data-testid="verify-card" data-valid="false">
          {details}
        </div>
      </Alert>
    );
  }
  return (
    <div className="mx-auto max-w-xl space-y-4 p-4">
      <PageHeading>{t('documents.verifyCard.title')}</PageHeading>
      <div aria-live="polite">{body}</div>
    </div>
  );
}
