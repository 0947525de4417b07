import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { messagesApi } from '../../api/supervision';
import { useAuth } from '../../auth/AuthContext';
import { NoAccess } from '../../auth/guards';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { dashboardKey, markReadOnDevice, useFieldDashboard } from '../../offline/dashboard';
import { useSyncState } from '../../offline/hooks';
import { useT } from '../../i18n';
import { ComposeForm, MessageItem } from '../supervision/messageParts';

/** The enumerator's messages: as of the last sync when offline; reply to the supervisor(s) when online. */
export default function FieldMessages() {
  const { user } = useAuth();
  // Messages are between enumerators and their supervisors (clerks also use the collect area).
  if (user?.role !== 'enumerator') return <NoAccess />;
  return <Messages userId={user.id} />;
}

function Messages({ userId }: { userId: string }) {
  const queryClient = useQueryClient();
  const { t } = useT();
  const dashboard = useFieldDashboard(userId);
  const { online } = useSyncState();
  const refresh = () => queryClient.invalidateQueries({ queryKey: dashboardKey(userId) });
  const read = useMutation({
    mutationFn: async (id: string) => {
      const r = await messagesApi.read(id);
      await markReadOnDevice(userId, id, r.readAt);
      return r;
    },
    onSuccess: refresh,
  });
  const reply = useMutation({
    mutationFn: (body: string) => messagesApi.send('team', body),
    onSuccess: refresh,
  });
  const data = dashboard.data;
  return (
    <>
      <p>
        <Link to="/collect" className="link">
          {t('collect.survey.back')}
        </Link>
      </p>
      <PageHeading title={t('collect.messages.title')} className="mt-2 text-2xl text-stone-900 sm:text-3xl">
        {t('collect.messages.title')}
      </PageHeading>
      {dashboard.isPending ? (
        <Loading />
      ) : dashboard.isError ? (
        <Alert>
          <p>{errorMessage(dashboard.error)}</p>
        </Alert>
      ) : !data ? (
        <p className="mt-4 text-stone-800">{t('collect.messages.beforeSync')}</p>
      ) : (
        <>
          {data.fromDevice && (
            <p className="mt-2 text-sm text-stone-700">
              {t('collect.messages.offline', { when: formatDateTime(data.fetchedAt) })}
            </p>
          )}
          {data.messages.items.length === 0 ? (
            <p className="mt-4 text-stone-800">{t('collect.messages.none')}</p>
          ) : (
            <ul
              className="mt-4 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
              aria-label={t('collect.messages.title')}
            >
              {data.messages.items.map((m) => (
                <MessageItem
                  key={m.id}
                  message={m}
                  onRead={online ? (id) => read.mutate(id) : undefined}
                  reading={read.isPending}
                />
              ))}
            </ul>
          )}
          {read.isError && (
            <div className="mt-3">
              <Alert>
                <p>{errorMessage(read.error)}</p>
              </Alert>
            </div>
          )}
        </>
      )}
      <section aria-labelledby="reply-heading" className="card mt-8">
        <h2 id="reply-heading" className="text-xl font-bold">
          {t('collect.messages.write')}
        </h2>
        {online ? (
          <div className="mt-3">
            <ComposeForm
              label={t('collect.messages.label')}
              sending={reply.isPending}
              error={reply.error}
              onSend={(_to, body) => reply.mutateAsync(body)}
            />
            {reply.isSuccess && (
              <div className="mt-3">
                <Success title={t('collect.messages.sent')} />
              </div>
            )}
          </div>
        ) : (
          <p className="mt-3 text-stone-800">{t('collect.messages.offlineWrite')}</p>
        )}
      </section>
    </>
  );
}
