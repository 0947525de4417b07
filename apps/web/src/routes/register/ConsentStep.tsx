import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type Ref, type RefObject } from 'react';
import type { WizardState, YesNo } from './wizardState';

function YesNoGroup({
  legend,
  hint,
  value,
  error,
  onChange,
  yesLabel = 'Yes',
  noLabel = 'No',
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
    if (!consent.basic) found.basic = 'To register, agree to the registry keeping and using your information';
    if (!consent.marketplace) found.marketplace = 'Choose yes or no';
    setErrors(found);
    if (found.basic) return basicRef.current?.focus();
    if (found.marketplace) return focusGroup(marketplaceRef);
    if (consent.marketplace === 'yes') set({ stage: 'enriched' });
    else onDone({ ...consent, enriched: undefined });
  }

  function onSubmitSecond(event: FormEvent) {
    event.preventDefault();
    if (!consent.enriched) {
      setErrors({ enriched: 'Choose yes or no' });
      return focusGroup(enrichedRef);
    }
    setErrors({});
    onDone(consent);
  }

  if (consent.stage === 'enriched' && consent.marketplace === 'yes') {
    return (
      <form noValidate onSubmit={onSubmitSecond} className="card space-y-5">
        <h3 ref={stageHeading} tabIndex={-1} className="text-xl font-bold">
          Your contact details
        </h3>
        <p className="text-stone-800">
          You agreed to an anonymous profile. This is a separate choice: you can say no and stay listed anonymously.
        </p>
        <YesNoGroup
          legend="Also show my name and phone number to registered employers?"
          hint={
            <>
              <p>
                Only employers who have registered with the registry can see them, each time they ask, and every time is
                recorded. You can withdraw this at any time.
              </p>
            </>
          }
          value={consent.enriched}
          error={errors.enriched}
          onChange={(value) => set({ enriched: value })}
          groupRef={enrichedRef}
        />
        <div className="flex flex-wrap justify-between gap-3">
          <button type="button" className="btn-secondary" onClick={() => set({ stage: 'marketplace' })}>
            Back
          </button>
          <button type="submit" className="btn-primary">
            Continue
          </button>
        </div>
      </form>
    );
  }

  return (
    <form noValidate onSubmit={onSubmitFirst} className="card space-y-6">
      <h3 ref={stageHeading} tabIndex={-1} className="text-xl font-bold">
        How your information is used
      </h3>
      <div className="space-y-2 text-stone-800">
        <p>
          The Oyo State Labour &amp; Skills Registry keeps the details you give — your name, date of birth, phone
          number, NIN, Local Government Area, occupation and skills — to plan jobs, training and services for the
          State&rsquo;s workers.
        </p>
        <p>
          Your NIN and phone number are never shown to the public. Staff who view your record are recorded. We never ask
          for your BVN or bank details. You can ask for your details to be corrected, and withdraw any consent, at any
          time.
        </p>
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
          <span className="font-semibold">I agree to the registry keeping and using my information as described</span>
        </label>
        {errors.basic && (
          <span id="consent-basic-error" role="alert" className="field-error">
            {errors.basic}
          </span>
        )}
      </div>
      <YesNoGroup
        legend="Be listed in the anonymous skills marketplace (profession, LGA, experience)?"
        hint={
          <p>
            Employers searching for skills would see your profession, Local Government Area and years of experience —
            not your name or contact details.
          </p>
        }
        value={consent.marketplace}
        error={errors.marketplace}
        onChange={(value) => set({ marketplace: value, ...(value === 'no' ? { enriched: undefined } : {}) })}
        groupRef={marketplaceRef}
      />
      <div className="flex flex-wrap justify-between gap-3">
        {onBack ? (
          <button type="button" className="btn-secondary" onClick={onBack}>
            Back
          </button>
        ) : (
          <span />
        )}
        <button type="submit" className="btn-primary">
          Continue
        </button>
      </div>
    </form>
  );
}
