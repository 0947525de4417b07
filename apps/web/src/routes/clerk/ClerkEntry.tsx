import type { SessionUser } from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { FormLoadProblem, useFormSettings, usePublishedForm } from '../register/queries';
import { EntryForm } from './EntryForm';
import { useT } from '../../i18n';

/**
 * Paper questionnaires typed in at speed, keyboard only: Tab/Shift+Tab between fields, Enter to the
 * next field, Ctrl+Enter to save and start the next form with the focus already in its first field.
 */
export default function ClerkEntry() {
  const { user } = useAuth();
  if (!user) return null;
  return <ClerkDesk user={user} />;
}

function ClerkDesk({ user }: { user: SessionUser }) {
  const { t } = useT();
  const settings = useFormSettings();
  const questionnaireId = settings.data?.settings.staffQuestionnaireId ?? null;
  const schema = usePublishedForm(questionnaireId);

  let body;
  if (settings.isError || schema.isError) {
    body = <FormLoadProblem settings={settings} schema={schema} />;
  } else if (settings.isSuccess && !questionnaireId) {
    body = (
      <Alert title={t('clerk.noForm.title')}>
        <p>{t('clerk.noForm.body')}</p>
      </Alert>
    );
  } else if (!schema.data) {
    body = <Loading label={t('register.loadingForm')} />;
  } else {
    body = <EntryForm user={user} form={schema.data.form} versionId={schema.data.versionId} />;
  }
  return (
    <>
      <PageHeading>{t('clerk.title')}</PageHeading>
      {body}
    </>
  );
}
