import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isWellFormedNin, normalizePhone, type StaffRole } from '@oslrs/core';
import { queryKeys, staff as staffApi } from '../../../api/endpoints';
import { Alert, Success } from '../../../components/Alert';
import { SelectField, TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';
import { ActivationLink } from './ActivationLink';
import { splitApiError } from './formErrors';
import { LGA_OPTIONS, needsLga, ROLE_OPTIONS } from './staffOptions';

const FIELDS = ['fullName', 'email', 'phone', 'nin', 'role', 'lga'] as const;
type FieldName = (typeof FIELDS)[number];
type Errors = Partial<Record<FieldName, string>>;

const EMPTY = { fullName: '', email: '', phone: '', nin: '', role: '', lga: '' };

export default function StaffInvite() {
  const queryClient = useQueryClient();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [topErrors, setTopErrors] = useState<string[]>([]);
  const fullNameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const ninRef = useRef<HTMLInputElement>(null);
  const roleRef = useRef<HTMLSelectElement>(null);
  const lgaRef = useRef<HTMLSelectElement>(null);
  const lgaRequired = needsLga(values.role);

  function focusFirst(found: Errors) {
    const refs = { fullName: fullNameRef, email: emailRef, phone: phoneRef, nin: ninRef, role: roleRef, lga: lgaRef };
    const first = FIELDS.find((f) => found[f]);
    if (first) refs[first].current?.focus();
  }

  const invite = useMutation({
    mutationFn: () =>
      staffApi.invite({
        fullName: values.fullName.trim(),
        email: values.email.trim(),
        phone: values.phone.trim(),
        ...(values.nin.trim() ? { nin: values.nin.trim() } : {}),
        role: values.role as StaffRole,
        lga: values.lga || null,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.staffAll });
    },
    onError: (error) => {
      const split = splitApiError(error, FIELDS);
      setErrors(split.fields);
      setTopErrors(split.other);
      focusFirst(split.fields);
    },
  });

  function set(field: FieldName, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (invite.isPending) return;
    const found: Errors = {};
    if (values.fullName.trim().length < 2) found.fullName = 'Enter the full name';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))
      found.email = 'Enter a valid email address, like name@example.com';
    if (!values.phone.trim()) found.phone = 'Enter a phone number';
    else if (!normalizePhone(values.phone)) found.phone = 'Enter a Nigerian phone number, like 0803 123 4567';
    if (values.nin.trim() && !isWellFormedNin(values.nin)) found.nin = 'A NIN is 11 digits';
    if (!values.role) found.role = 'Choose a role';
    if (lgaRequired && !values.lga) found.lga = 'Choose the LGA this supervisor or enumerator works in';
    setErrors(found);
    setTopErrors([]);
    if (Object.keys(found).length > 0) return focusFirst(found);
    invite.mutate();
  }

  if (invite.isSuccess) {
    const { staff, activationUrl } = invite.data;
    return (
      <div className="max-w-2xl">
        <PageHeading>Invite staff</PageHeading>
        <div className="mt-6">
          <Success title={`Invitation created for ${staff.fullName}`}>
            <ActivationLink url={activationUrl} name={staff.fullName} email={staff.email} />
          </Success>
        </div>
        <div className="mt-6 flex flex-wrap gap-3">
          <button
            type="button"
            className="btn-primary"
            onClick={() => {
              invite.reset();
              setValues(EMPTY);
              setErrors({});
            }}
          >
            Invite someone else
          </button>
          <Link to={`/admin/staff/${staff.id}`} className="btn-secondary">
            Open {staff.fullName}&rsquo;s record
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="max-w-2xl">
      <PageHeading>Invite staff</PageHeading>
      <p className="mt-2 text-stone-800">
        The new staff member receives an activation link to set their password. You will also see the link here, so you
        can hand it over in person.
      </p>
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {topErrors.length > 0 && (
          <Alert title="The invitation was not created">
            {topErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </Alert>
        )}
        <TextField
          label="Full name"
          name="fullName"
          autoComplete="off"
          required
          value={values.fullName}
          onChange={(e) => set('fullName', e.target.value)}
          error={errors.fullName}
          inputRef={fullNameRef}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
          required
          value={values.email}
          onChange={(e) => set('email', e.target.value)}
          error={errors.email}
          inputRef={emailRef}
        />
        <TextField
          label="Phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          required
          hint="A Nigerian number, e.g. 0803 123 4567 or +234 803 123 4567."
          value={values.phone}
          onChange={(e) => set('phone', e.target.value)}
          error={errors.phone}
          inputRef={phoneRef}
        />
        <TextField
          label="NIN (optional)"
          name="nin"
          inputMode="numeric"
          autoComplete="off"
          hint="The staff member's own NIN, so it can never be registered as a respondent."
          value={values.nin}
          onChange={(e) => set('nin', e.target.value)}
          error={errors.nin}
          inputRef={ninRef}
        />
        <SelectField
          label="Role"
          name="role"
          required
          value={values.role}
          onChange={(e) => set('role', e.target.value)}
          error={errors.role}
          selectRef={roleRef}
          options={[{ value: '', label: 'Choose a role' }, ...ROLE_OPTIONS]}
        />
        <SelectField
          label="LGA"
          name="lga"
          required={lgaRequired}
          hint={
            lgaRequired
              ? 'Required: supervisors and enumerators work in one LGA.'
              : 'Required for supervisors and enumerators; optional for other roles.'
          }
          value={values.lga}
          onChange={(e) => set('lga', e.target.value)}
          error={errors.lga}
          selectRef={lgaRef}
          options={[{ value: '', label: lgaRequired ? 'Choose an LGA' : 'No LGA' }, ...LGA_OPTIONS]}
        />
        <button type="submit" className="btn-primary w-full sm:w-auto" aria-busy={invite.isPending || undefined}>
          Send invitation
        </button>
      </form>
    </div>
  );
}
