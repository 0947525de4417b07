import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lgaName, type Staff, type StaffRole } from '@oslrs/core';
import { ApiError, errorMessage } from '../../../api/client';
import { queryKeys, staff as staffApi, type UpdateStaffInput } from '../../../api/endpoints';
import { useAuth } from '../../../auth/AuthContext';
import { Alert, Success } from '../../../components/Alert';
import { SelectField } from '../../../components/Field';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';
import { ActivationLink } from './ActivationLink';
import { splitApiError } from './formErrors';
import { LGA_OPTIONS, needsLga, roleLabel, roleOptions, statusLabel } from './staffOptions';
import { StatusBadge } from './StatusBadge';
import { StaffCardPanel } from '../../verify/DocumentLinks';

export default function StaffDetail() {
  const { t } = useT();
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: queryKeys.staff(id),
    queryFn: ({ signal }) => staffApi.get(id, signal),
  });

  if (query.isPending) {
    return (
      <>
        <PageHeading>{t('staff.admin.detail.title')}</PageHeading>
        <Loading />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <>
        <PageHeading>{notFound ? t('staff.admin.detail.notFound') : t('staff.admin.detail.title')}</PageHeading>
        <div className="mt-6 max-w-2xl">
          {notFound ? (
            <p className="text-stone-800">{t('staff.admin.detail.notFoundBody')}</p>
          ) : (
            <Alert title={t('staff.admin.detail.loadFailed')}>
              <p>{errorMessage(query.error)}</p>
            </Alert>
          )}
          <p className="mt-4">
            <Link to="/admin/staff" className="link">
              {t('staff.admin.detail.back')}
            </Link>
          </p>
        </div>
      </>
    );
  }

  const member = query.data.staff;
  return (
    <div className="max-w-3xl">
      <p className="mb-2">
        <Link to="/admin/staff" className="link">
          {t('staff.admin.detail.back')}
        </Link>
      </p>
      <PageHeading title={member.fullName}>{member.fullName}</PageHeading>
      <Details member={member} />
      <StaffCardPanel member={member} />
      {member.status === 'invited' && <NewInvitation member={member} />}
      <EditStaff key={member.id} member={member} />
    </div>
  );
}

function Details({ member }: { member: Staff }) {
  const { t, date } = useT();
  const when = (iso: string) => date(iso, { dateStyle: 'medium', timeStyle: 'short' });
  const lga = member.lga ? (member.lgaName ?? lgaName(member.lga) ?? member.lga) : t('staff.admin.invite.noLga');
  const rows: [string, ReactNode][] = [
    [t('staff.admin.field.email'), <span className="break-all">{member.email}</span>],
    [t('staff.admin.field.phone'), member.phone ?? '—'],
    [t('staff.admin.field.role'), roleLabel(member.role)],
    [t('staff.admin.field.lga'), lga],
    [t('staff.admin.field.status'), <StatusBadge status={member.status} />],
    [t('staff.admin.list.colCreated'), when(member.createdAt)],
    [t('staff.admin.detail.activated'), member.activatedAt ? when(member.activatedAt) : t('staff.admin.detail.notYet')],
    [t('staff.admin.detail.lastSignIn'), member.lastLoginAt ? when(member.lastLoginAt) : t('staff.admin.detail.never')],
  ];
  return (
    <section className="card mt-6">
      <h2 id="details-heading" className="text-xl font-bold">
        {t('staff.admin.detail.details')}
      </h2>
      <dl className="mt-4 grid gap-x-6 gap-y-3 sm:grid-cols-[max-content_1fr]">
        {rows.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="font-semibold text-stone-700">{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function NewInvitation({ member }: { member: Staff }) {
  const { t } = useT();
  const invitation = useMutation({ mutationFn: () => staffApi.newInvitation(member.id) });
  return (
    <section className="card mt-6">
      <h2 id="invitation-heading" className="text-xl font-bold">
        {t('staff.admin.detail.activation')}
      </h2>
      <p className="mt-2 text-stone-800">{t('staff.admin.detail.activationBody', { name: member.fullName })}</p>
      <div className="mt-4 space-y-4">
        {invitation.isError && (
          <Alert title={t('staff.admin.detail.linkFailed')}>
            <p>{errorMessage(invitation.error)}</p>
          </Alert>
        )}
        {invitation.isSuccess ? (
          <Success title={t('staff.admin.detail.newLinkFor', { name: member.fullName })}>
            <ActivationLink
              url={invitation.data.activationUrl}
              name={member.fullName}
              email={member.email}
              mail={invitation.data.mail}
            />
          </Success>
        ) : (
          <button
            type="button"
            className="btn-secondary"
            aria-busy={invitation.isPending || undefined}
            onClick={() => {
              if (!invitation.isPending) invitation.mutate();
            }}
          >
            {t('staff.admin.detail.newLink')}
          </button>
        )}
      </div>
    </section>
  );
}

const EDITABLE_STATUSES = ['active', 'suspended', 'deactivated'] as const;
type EditableStatus = (typeof EDITABLE_STATUSES)[number];
type Errors = { role?: string; lga?: string; status?: string };

function EditStaff({ member }: { member: Staff }) {
  const { t } = useT();
  const { user } = useAuth();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<string>(member.role);
  const [lga, setLga] = useState(member.lga ?? '');
  const [status, setStatus] = useState<string>(member.status);
  const [errors, setErrors] = useState<Errors>({});
  const [topErrors, setTopErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const lgaRef = useRef<HTMLSelectElement>(null);
  const isSelf = user?.id === member.id;

  function changes(): UpdateStaffInput {
    const body: UpdateStaffInput = {};
    if (role !== member.role) body.role = role as StaffRole;
    if (lga !== (member.lga ?? '')) body.lga = lga || null;
    if (status !== member.status) body.status = status as EditableStatus;
    return body;
  }

  const update = useMutation({
    mutationFn: (body: UpdateStaffInput) => staffApi.update(member.id, body),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.staff(member.id), data);
      void queryClient.invalidateQueries({ queryKey: ['staff', 'list'] });
      setSaved(true);
    },
    onError: (error) => {
      const split = splitApiError(error, ['role', 'lga', 'status']);
      setErrors(split.fields);
      setTopErrors(split.other);
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (update.isPending) return;
    setSaved(false);
    setTopErrors([]);
    const body = changes();
    if (Object.keys(body).length === 0) {
      setErrors({});
      setTopErrors([t('staff.admin.detail.nothingToSave')]);
      return;
    }
    if (needsLga(role) && !lga) {
      setErrors({ lga: t('staff.admin.invite.errLga') });
      lgaRef.current?.focus();
      return;
    }
    setErrors({});
    update.mutate(body);
  }

  const statusOptions = [
    ...(member.status === 'invited' ? [{ value: 'invited', label: statusLabel('invited'), disabled: true }] : []),
    ...EDITABLE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
  ];

  return (
    <section className="card mt-6">
      <h2 id="edit-heading" className="text-xl font-bold">
        {t('staff.admin.detail.editHeading')}
      </h2>
      {isSelf && <p className="mt-2 text-stone-800">{t('staff.admin.detail.self')}</p>}
      <form noValidate onSubmit={onSubmit} className="mt-4 space-y-5">
        {topErrors.length > 0 && (
          <Alert title={t('staff.admin.detail.notSaved')}>
            {topErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </Alert>
        )}
        {saved && !update.isPending && (
          <p
            role="status"
            className="rounded-md border-l-4 border-green-800 bg-green-50 p-3 font-semibold text-green-950"
          >
            {t('staff.admin.detail.saved')}
          </p>
        )}
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label={t('staff.admin.field.role')}
            name="role"
            value={role}
            onChange={(e) => {
              setRole(e.target.value);
              setSaved(false);
            }}
            error={errors.role}
            options={roleOptions()}
          />
          <SelectField
            label={t('staff.admin.field.lga')}
            name="lga"
            required={needsLga(role)}
            hint={needsLga(role) ? t('staff.admin.detail.lgaRequired') : undefined}
            value={lga}
            onChange={(e) => {
              setLga(e.target.value);
              setSaved(false);
            }}
            error={errors.lga}
            selectRef={lgaRef}
            options={[{ value: '', label: t('staff.admin.invite.noLga') }, ...LGA_OPTIONS]}
          />
          <SelectField
            label={t('staff.admin.field.status')}
            name="status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setSaved(false);
            }}
            error={errors.status}
            options={statusOptions}
          />
        </div>
        <button type="submit" className="btn-primary" aria-busy={update.isPending || undefined}>
          {t('staff.admin.detail.save')}
        </button>
      </form>
    </section>
  );
}
