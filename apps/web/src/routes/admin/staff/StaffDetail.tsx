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
import { formatDateTime } from '../../../lib/format';
import { ActivationLink } from './ActivationLink';
import { splitApiError } from './formErrors';
import { LGA_OPTIONS, needsLga, roleLabel, roleOptions, statusLabel } from './staffOptions';
import { StatusBadge } from './StatusBadge';
import { StaffCardPanel } from '../../verify/DocumentLinks';

export default function StaffDetail() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: queryKeys.staff(id),
    queryFn: ({ signal }) => staffApi.get(id, signal),
  });

  if (query.isPending) {
    return (
      <>
        <PageHeading>Staff member</PageHeading>
        <Loading />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 400);
    return (
      <>
        <PageHeading>{notFound ? 'Staff member not found' : 'Staff member'}</PageHeading>
        <div className="mt-6 max-w-2xl">
          {notFound ? (
            <p className="text-stone-800">
              There is no staff member at this address. They may have been removed, or the link is wrong.
            </p>
          ) : (
            <Alert title="Could not load this staff member">
              <p>{errorMessage(query.error)}</p>
            </Alert>
          )}
          <p className="mt-4">
            <Link to="/admin/staff" className="link">
              Back to the staff list
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
          Back to the staff list
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
  const lga = member.lga ? (member.lgaName ?? lgaName(member.lga) ?? member.lga) : 'No LGA';
  const rows: [string, ReactNode][] = [
    ['Email', <span className="break-all">{member.email}</span>],
    ['Phone', member.phone ?? '—'],
    ['Role', roleLabel(member.role)],
    ['LGA', lga],
    ['Status', <StatusBadge status={member.status} />],
    ['Created', formatDateTime(member.createdAt)],
    ['Activated', member.activatedAt ? formatDateTime(member.activatedAt) : 'Not yet'],
    ['Last sign-in', member.lastLoginAt ? formatDateTime(member.lastLoginAt) : 'Never'],
  ];
  return (
    <section className="card mt-6">
      <h2 id="details-heading" className="text-xl font-bold">
        Details
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
  const invitation = useMutation({ mutationFn: () => staffApi.newInvitation(member.id) });
  return (
    <section className="card mt-6">
      <h2 id="invitation-heading" className="text-xl font-bold">
        Activation
      </h2>
      <p className="mt-2 text-stone-800">
        {member.fullName} has not set a password yet. If the invitation email did not arrive, or the link has expired,
        create a new activation link and hand it over in person.
      </p>
      <div className="mt-4 space-y-4">
        {invitation.isError && (
          <Alert title="Could not create a new link">
            <p>{errorMessage(invitation.error)}</p>
          </Alert>
        )}
        {invitation.isSuccess ? (
          <Success title={`New activation link for ${member.fullName}`}>
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
            New activation link
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
      setTopErrors(['Nothing to save: change the role, LGA or status first.']);
      return;
    }
    if (needsLga(role) && !lga) {
      setErrors({ lga: 'Choose the LGA this supervisor or enumerator works in' });
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
        Change role, LGA or status
      </h2>
      {isSelf && (
        <p className="mt-2 text-stone-800">
          This is your own account. You cannot change your own role or suspend yourself.
        </p>
      )}
      <form noValidate onSubmit={onSubmit} className="mt-4 space-y-5">
        {topErrors.length > 0 && (
          <Alert title="The changes were not saved">
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
            Changes saved.
          </p>
        )}
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label="Role"
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
            label="LGA"
            name="lga"
            required={needsLga(role)}
            hint={needsLga(role) ? 'Required for supervisors and enumerators.' : undefined}
            value={lga}
            onChange={(e) => {
              setLga(e.target.value);
              setSaved(false);
            }}
            error={errors.lga}
            selectRef={lgaRef}
            options={[{ value: '', label: 'No LGA' }, ...LGA_OPTIONS]}
          />
          <SelectField
            label="Status"
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
          Save changes
        </button>
      </form>
    </section>
  );
}
