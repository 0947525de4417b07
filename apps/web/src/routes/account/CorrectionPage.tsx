import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MyRegistration } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { marketplaceKeys, selfServiceApi } from '../../api/marketplace';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { t as translate, useT } from '../../i18n';
import { deviceId } from '../../forms/answers';
import { FormRenderer } from '../../forms/FormRenderer';
import { labelText } from '../../forms/QuestionField';
import type { Answers, FormSchema } from '../../forms/engine';
import { answerQuestions } from '../../forms/level';
import {
  answerErrors,
  findQuestion,
  newUuid,
  ninQuestionName,
  submitErrorText,
  type SubmissionBody,
} from '../register/collection';
import { hiddenQuestionNames, withConsentAnswers } from '../register/formRules';
import { FormLoadProblem, useFormSettings, usePublishedForm } from '../register/queries';

/**
 * The resident's answers, fitted to the public questionnaire: only its questions, the consents as
 * they stand now (changed on the account page, not here), and never the NIN (the registry shows it masked).
 */
function prefill(form: FormSchema, registration: MyRegistration): Answers {
  const names = new Set(answerQuestions(form).map((q) => q.name));
  const nin = ninQuestionName(form);
  const answers: Answers = {};
  for (const [name, value] of Object.entries(registration.answers)) {
    if (names.has(name) && name !== nin && value !== null && value !== undefined) {
      answers[name] = value as Answers[string];
    }
  }
  const { marketplace, enriched } = registration.consent;
  return withConsentAnswers(form, answers, {
    basic: true,
    marketplace: marketplace ? 'yes' : 'no',
    enriched: enriched ? 'yes' : 'no',
    stage: 'marketplace',
  });
}

function correctionErrorText(error: unknown): string {
  if (error instanceof ApiError && error.code === 'CORRECTION_PENDING') return translate('account.correction.pending');
  if (error instanceof ApiError && error.code === 'NOT_REGISTERED') return translate('account.correction.processing');
  return submitErrorText(error);
}

/** A resident asks for their record to be corrected: the questionnaire, filled in with what they gave. */
export default function CorrectionPage() {
  const { t } = useT();
  const registration = useQuery({
    queryKey: marketplaceKeys.myRegistration,
    queryFn: ({ signal }) => selfServiceApi.registration(signal),
  });
  const settings = useFormSettings();
  const questionnaireId = settings.data?.settings.publicQuestionnaireId ?? null;
  const schema = usePublishedForm(questionnaireId);
  // Kept here: once sent, the refetched registration has a pending correction, which must not hide the news.
  const [sent, setSent] = useState(false);

  let body;
  if (sent) {
    body = (
      <Success title={t('account.correction.sent')}>
        <p data-testid="correction-sent">{t('account.correction.sentBody')}</p>
        <p>
          <Link to="/app" className="link">
            {t('account.correction.back')}
          </Link>
        </p>
      </Success>
    );
  } else if (registration.isError) {
    body = (
      <Alert title={t('account.my.loadFailed')}>
        <p>{submitErrorText(registration.error)}</p>
      </Alert>
    );
  } else if (settings.isError || schema.isError) {
    body = <FormLoadProblem settings={settings} schema={schema} />;
  } else if (registration.isPending || settings.isPending || (questionnaireId && schema.isPending)) {
    body = <Loading label={t('account.correction.loading')} />;
  } else if (!registration.data.registration) {
    body = (
      <p>
        {t('account.correction.notRegistered')}{' '}
        <Link to="/register" className="link">
          {t('account.my.register')}
        </Link>
      </p>
    );
  } else if (registration.data.registration.corrections.some((c) => c.status === 'pending')) {
    body = (
      <Alert title={t('account.correction.alreadyWaiting')}>
        <p>{correctionErrorText(new ApiError({ status: 409, code: 'CORRECTION_PENDING', message: '' }))}</p>
      </Alert>
    );
  } else if (!schema.data) {
    body = (
      <Alert title={t('account.correction.unavailable')}>
        <p>{t('account.correction.unavailableBody')}</p>
      </Alert>
    );
  } else {
    body = (
      <CorrectionForm
        form={schema.data.form}
        versionId={schema.data.versionId}
        registration={registration.data.registration}
        onSent={() => setSent(true)}
      />
    );
  }

  return (
    <>
      <p>
        <Link to="/app" className="link">
          {t('account.correction.back')}
        </Link>
      </p>
      <div className="mt-4">
        <PageHeading>{t('account.my.requestCorrection')}</PageHeading>
      </div>
      <p className="mt-2 text-stone-800">{t('account.correction.intro')}</p>
      <div className="mt-6">{body}</div>
    </>
  );
}

function CorrectionForm({
  form,
  versionId,
  registration,
  onSent,
}: {
  form: FormSchema;
  versionId: string;
  registration: MyRegistration;
  onSent: () => void;
}) {
  const queryClient = useQueryClient();
  const { t } = useT();
  const [answers, setAnswers] = useState<Answers>(() => prefill(form, registration));
  const [startedAt] = useState(() => new Date().toISOString());
  // The consents and the NIN are answered elsewhere: hidden here, and their errors do not hold the form back.
  const hidden = useMemo(() => hiddenQuestionNames(form, true), [form]);
  const send = useMutation({
    mutationFn: (final: Answers) => {
      const completedAt = new Date().toISOString();
      const body: SubmissionBody = {
        id: newUuid(),
        questionnaireVersionId: versionId,
        answers: final,
        startedAt: startedAt <= completedAt ? startedAt : completedAt,
        completedAt,
        deviceId: deviceId(),
        // No NIN is sent (the registry keeps the one it has): the body says so, as a deferred NIN does.
        ...(ninQuestionName(form) ? { ninDeferred: true } : {}),
      };
      return selfServiceApi.correction(body);
    },
    onSuccess: () => {
      onSent();
      window.scrollTo({ top: 0 });
      void queryClient.invalidateQueries({ queryKey: marketplaceKeys.myRegistration });
    },
  });

  const problems = answerErrors(send.error);
  return (
    <>
      {send.isError && (
        <div className="mb-6">
          <Alert title={t('account.correction.notSent')}>
            <p data-testid="correction-error">{correctionErrorText(send.error)}</p>
            {problems.length > 0 && (
              <ul className="list-disc pl-6">
                {problems.map((p) => {
                  const q = findQuestion(form, p.field);
                  return (
                    <li key={`${p.field}-${p.code}`}>
                      {q ? labelText(q) : p.field}: {p.message}
                    </li>
                  );
                })}
              </ul>
            )}
          </Alert>
        </div>
      )}
      <FormRenderer
        form={form}
        answers={answers}
        onChange={(next) => {
          send.reset();
          setAnswers(next);
        }}
        onComplete={(final) => {
          if (!send.isPending) send.mutate(final);
        }}
        mode="full"
        completeLabel={send.isPending ? t('account.correction.sending') : t('account.correction.send')}
        hiddenQuestions={hidden}
      />
    </>
  );
}
