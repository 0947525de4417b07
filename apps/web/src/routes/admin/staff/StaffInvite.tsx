import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isWellFormedNin, normalizePhone, type StaffRole } from '@oslrs/core';
import { queryKeys, staff as staffApi } from '../../../api/endpoints';
import { Alert, Success } from '../../../components/Alert';
import { SelectField, TextField } from '../../../components/Field';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';
import { ActivationLink } from './ActivationLink';
import { splitApiError } from './formErrors';
import { LGA_OPTIONS, needsLga, roleOptions } from './staffOptions';

const FIELDS = ['fullName', 'email', 'phone', 'nin', 'role', 'lga'] as const;
type FieldName = (typeof FIELDS)[number];
type Errors = Partial<Record<FieldName, string>>;

const EMPTY = { fullName: '', email: '', phone: '', nin: '', role: '', lga: '' };

export default function StaffInvite() {
  const queryClient = useQueryClient();
  const { t } = useT();
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
    if (values.fullName.trim().length < 2) found.fullName = t('staff.admin.invite.errName');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) found.email = t('staff.admin.invite.errEmail');
    if (!values.phone.trim()) found.phone = t('staff.admin.invite.errPhoneMissing');
    else if (!normalizePhone(values.phone)) found.phone = t('staff.admin.invite.errPhone');
    if (values.nin.trim() && !isWellFormedNin(values.nin)) found.nin = t('staff.admin.invite.errNin');
    if (!values.role) found.role = t('staff.admin.invite.errRole');
    if (lgaRequired && !values.lga) found.lga = t('staff.admin.invite.errLga');
    setErrors(found);
    setTopErrors([]);
    if (Object.keys(found).length > 0) return focusFirst(found);
    invite.mutate();
  }

  if (invite.isSuccess) {
    const { staff, activationUrl, mail } = invite.data;
    return (
      <div className="max-w-2xl">
        <PageHeading>{t('staff.admin.invite.title')}</PageHeading>
        <div className="mt-6">
          <Success title={t('staff.admin.invite.created', { name: staff.fullName })}>
            <ActivationLink url={activationUrl} name={staff.fullName} email={staff.email} mail={mail} />
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
            {t('staff.admin.invite.another')}
          </button>
          <Link to={`/admin/staff/${staff.id}`} className="btn-secondary">
            {t('staff.admin.invite.openRecord', { name: staff.fullName })}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="max-w-2xl">
      <PageHeading>{t('staff.admin.invite.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.admin.invite.intro')}</p>
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {topErrors.length > 0 && (
          <Alert title={t('staff.admin.invite.notCreated')}>
            {topErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </Alert>
        )}
        <TextField
          label={t('staff.admin.field.fullName')}
          name="fullName"
          autoComplete="off"
          required
          value={values.fullName}
          onChange={(e) => set('fullName', e.target.value)}
          error={errors.fullName}
          inputRef={fullNameRef}
        />
        <TextField
          label={t('staff.admin.field.email')}
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
          label={t('staff.admin.field.phone')}
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          required
          hint={t('staff.admin.invite.phoneHint')}
          value={values.phone}
          onChange={(e) => set('phone', e.target.value)}
          error={errors.phone}
          inputRef={phoneRef}
        />
        <TextField
          label={t('staff.admin.invite.ninLabel')}
          name="nin"
          inputMode="numeric"
          autoComplete="off"
          hint={t('staff.admin.invite.ninHint')}
          value={values.nin}
          onChange={(e) => set('nin', e.target.value)}
          error={errors.nin}
          inputRef={ninRef}
        />
        <SelectField
          label={t('staff.admin.field.role')}
          name="role"
          required
          value={values.role}
          onChange={(e) => set('role', e.target.value)}
          error={errors.role}
          selectRef={roleRef}
          options={[{ value: '', label: t('staff.admin.invite.chooseRole') }, ...roleOptions()]}
        />
        <SelectField
          label={t('staff.admin.field.lga')}
          name="lga"
          required={lgaRequired}
          hint={lgaRequired ? t('staff.admin.invite.lgaRequired') : t('staff.admin.invite.lgaOptional')}
          value={values.lga}
          onChange={(e) => set('lga', e.target.value)}
          error={errors.lga}
          selectRef={lgaRef}
          options={[
            { value: '', label: lgaRequired ? t('staff.admin.invite.chooseLga') : t('staff.admin.invite.noLga') },
            ...LGA_OPTIONS,
          ]}
        />
        <button type="submit" className="btn-primary w-full sm:w-auto" aria-busy={invite.isPending || undefined}>
          {t('staff.admin.invite.send')}
        </button>
      </form>
    </div>
  );
}
