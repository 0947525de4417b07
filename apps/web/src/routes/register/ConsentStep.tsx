import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type Ref, type RefObject } from 'react';
import { t as tr, useT } from '../../i18n';
import type { WizardState, YesNo } from './wizardState';

function YesNoGroup({
  legend,
  hint,
  value,
  error,
  onChange,
  yesLabel = tr('register.consent.yes'),
  noLabel = tr('register.consent.no'),
  groupRef,
}: {
  legend: string;
  hint?: ReactNode;
  value: YesNo | undefined;
  error?: string;
  onChange: (value: YesNo) => void;
  yesLabel?: string;
  noLabel?: string;
  groupRef?: Ref<HTMLFieldSetElement>;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset ref={groupRef} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <legend className="text-lg font-semibold text-stone-900">{legend}</legend>
      {hint && (
        <div id={`${id}-hint`} className="hint space-y-1">
          {hint}
        </div>
      )}
      {error && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {error}
        </span>
      )}
      <div className="mt-2 space-y-1">
        {(
          [
            ['yes', yesLabel],
            ['no', noLabel],
          ] as const
        ).map(([choice, label]) => (
          <label
            key={choice}
            className="flex min-h-11 cursor-pointer items-center gap-3 rounded-md border border-stone-300 bg-white px-3 py-2 has-checked:border-green-800 has-checked:bg-green-50"
          >
            <input
              type="radio"
              name={`${id}-choice`}
              value={choice}
              checked={value === choice}
              className="size-5 accent-green-800"
              onChange={() => onChange(choice)}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Consent, in two stages as the registry promises: first the registry's use of the information and
 * an anonymous marketplace profile; then, only for those who said yes, and separately, whether
 * registered employers may see their name and phone number.
 */
export function ConsentStep({
  state,
  update,
  onBack,
  onDone,
}: {
  state: WizardState;
  update: (change: (s: WizardState) => WizardState) => void;
  onBack: (() => void) | null;
  onDone: (consent: WizardState['consent']) => void;
}) {
  const { t } = useT();
  const { consent } = state;
  const [errors, setErrors] = useState<{ basic?: string; marketplace?: string; enriched?: string }>({});
  const basicRef = useRef<HTMLInputElement>(null);
  const marketplaceRef = useRef<HTMLFieldSetElement>(null);
  const enrichedRef = useRef<HTMLFieldSetElement>(null);
  const stageHeading = useRef<HTMLHeadingElement>(null);
  const firstStage = useRef(consent.stage);

  useEffect(() => {
    if (consent.stage === firstStage.current) return;
    firstStage.current = consent.stage;
    stageHeading.current?.focus();
  }, [consent.stage]);

  function set(change: Partial<WizardState['consent']>) {
    update((s) => ({ ...s, consent: { ...s.consent, ...change } }));
  }

  function focusGroup(ref: RefObject<HTMLFieldSetElement | null>) {
    ref.current?.querySelector<HTMLInputElement>('input:checked, input')?.focus();
  }

  function onSubmitFirst(event: FormEvent) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!consent.basic) found.basic = t('register.consent.basicMissing');
    if (!consent.marketplace) found.marketplace = t('register.consent.chooseYesNo');
    setErrors(found);
    if (found.basic) return basicRef.current?.focus();
    if (found.marketplace) return focusGroup(marketplaceRef);
    if (consent.marketplace === 'yes') set({ stage: 'enriched' });
    else onDone({ ...consent, enriched: undefined });
  }

  function onSubmitSecond(event: FormEvent) {
    event.preventDefault();
    if (!consent.enriched) {
      setErrors({ enriched: t('register.consent.chooseYesNo') });
      return focusGroup(enrichedRef);
    }
    setErrors({});
    onDone(consent);
  }

  if (consent.stage === 'enriched' && consent.marketplace === 'yes') {
    return (
      <form noValidate onSubmit={onSubmitSecond} className="card space-y-5">
        <h3 ref={stageHeading} tabIndex={-1} className="text-xl font-bold">
          {t('register.consent.contactTitle')}
        </h3>
        <p className="text-stone-800">{t('register.consent.contactIntro')}</p>
        <YesNoGroup
          legend={t('register.consent.enriched')}
          hint={<p>{t('register.consent.enrichedHint')}</p>}
          value={consent.enriched}
          error={errors.enriched}
          onChange={(value) => set({ enriched: value })}
          groupRef={enrichedRef}
        />
        <div className="flex flex-wrap justify-between gap-3">
          <button type="button" className="btn-secondary" onClick={() => set({ stage: 'marketplace' })}>
            {t('common.back')}
          </button>
          <button type="submit" className="btn-primary">
            {t('register.consent.continue')}
          </button>
        </div>
      </form>
    );
  }

  return (
    <form noValidate onSubmit={onSubmitFirst} className="card space-y-6">
      <h3 ref={stageHeading} tabIndex={-1} className="text-xl font-bold">
        {t('register.consent.title')}
      </h3>
      <div className="space-y-2 text-stone-800">
        <p>{t('register.consent.keeps')}</p>
        <p>{t('register.consent.rights')}</p>
      </div>
      <div>
        <label className="flex cursor-pointer items-start gap-3">
          <input
            ref={basicRef}
            type="checkbox"
            className="mt-1 size-5 shrink-0 accent-green-800"
            checked={consent.basic}
            aria-invalid={errors.basic ? true : undefined}
            aria-describedby={errors.basic ? 'consent-basic-error' : undefined}
            onChange={(e) => set({ basic: e.target.checked })}
          />
          <span className="font-semibold">{t('register.consent.agree')}</span>
        </label>
        {errors.basic && (
          <span id="consent-basic-error" role="alert" className="field-error">
            {errors.basic}
          </span>
        )}
      </div>
      <YesNoGroup
        legend={t('register.consent.marketplace')}
        hint={<p>{t('register.consent.marketplaceHint')}</p>}
        value={consent.marketplace}
        error={errors.marketplace}
        onChange={(value) => set({ marketplace: value, ...(value === 'no' ? { enriched: undefined } : {}) })}
        groupRef={marketplaceRef}
      />
      <div className="flex flex-wrap justify-between gap-3">
        {onBack ? (
          <button type="button" className="btn-secondary" onClick={onBack}>
            {t('common.back')}
          </button>
        ) : (
          <span />
        )}
        <button type="submit" className="btn-primary">
          {t('register.consent.continue')}
        </button>
      </div>
    </form>
  );
}
