import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/client';
import { messagesApi, supervisionKeys } from '../../api/supervision';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';
import { ComposeForm, MessageItem } from './messageParts';

/** A supervisor's messages: write to one enumerator or the whole team; read their replies. */
export default function MessagesPage() {
  const { t } = useT();
  const queryClient = useQueryClient();
  const contacts = useQuery({
    queryKey: supervisionKeys.contacts,
    queryFn: ({ signal }) => messagesApi.contacts(signal),
  });
  const list = useInfiniteQuery({
    queryKey: supervisionKeys.messages,
    queryFn: ({ pageParam, signal }) => messagesApi.list({ limit: 20, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 30_000,
  });
  const send = useMutation({
    mutationFn: ({ to, body }: { to: string; body: string }) => messagesApi.send(to, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: supervisionKeys.messages }),
  });
  // Invalidates the list and the nav's unread count (both under ['messages']).
  const read = useMutation({
    mutationFn: (id: string) => messagesApi.read(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: supervisionKeys.messages }),
  });
  const recipients = [
    { value: 'team', label: t('staff.messages.wholeTeam') },
    ...(contacts.data?.items ?? []).map((c) => ({ value: c.id, label: c.fullName })),
  ];
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = list.data?.pages[0]?.unread ?? 0;
  return (
    <>
      <PageHeading>{t('staff.messages.title')}</PageHeading>
      <section aria-labelledby="compose-heading" className="card mt-6">
        <h2 id="compose-heading" className="text-xl font-bold">
          {t('staff.messages.compose')}
        </h2>
        <div className="mt-3">
          <ComposeForm
            recipients={recipients}
            sending={send.isPending}
            error={send.error}
            onSend={(to, body) => send.mutateAsync({ to, body })}
          />
        </div>
        {send.isSuccess && (
          <div className="mt-3">
            <Success
              title={
                send.data.message.to.kind === 'team'
                  ? t('staff.messages.sentTeam', { count: send.data.message.to.recipients })
                  : t('staff.messages.sentOne', { name: send.data.message.to.fullName })
              }
            />
          </div>
        )}
      </section>
      <section aria-labelledby="inbox-heading" className="mt-8">
        <h2 id="inbox-heading" className="text-xl font-bold">
          {unread > 0 ? t('staff.messages.inboxUnread', { count: unread }) : t('staff.messages.title')}
        </h2>
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <Alert>
            <p>{errorMessage(list.error)}</p>
          </Alert>
        ) : items.length === 0 ? (
          <p className="mt-3 text-stone-800">{t('staff.messages.empty')}</p>
        ) : (
          <ul
            className="mt-3 divide-y divide-stone-200 rounded-lg border border-stone-300 bg-white"
            aria-label={t('staff.messages.title')}
          >
            {items.map((m) => (
              <MessageItem key={m.id} message={m} onRead={(id) => read.mutate(id)} reading={read.isPending} />
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <button
            type="button"
            className="btn-secondary mt-3"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {t('staff.messages.older')}
          </button>
        )}
      </section>
    </>
  );
}
