import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '@oslrs/core';
import { errorMessage, validationIssues } from '../../../api/client';
import { fraudSettings as fraudApi, queryKeys, type FraudSettings } from '../../../api/endpoints';
import { Alert, Success } from '../../../components/Alert';
import { TextField } from '../../../components/Field';
import { useT } from '../../../i18n';
import {
  BANDS,
  FIELD_BY_PATH,
  FIELDS,
  parseField,
  parseForm,
  sameValues,
  show,
  SIGNALS,
  toForm,
  totalPoints,
  type Errors,
  type FieldDef,
  type Path,
  type SectionDef,
  type Values,
} from './thresholdFields';

/** The thresholds in force, to change and save as the next version. */
export function ThresholdsForm({ settings }: { settings: FraudSettings }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => toForm(settings.thresholds));
  const [errors, setErrors] = useState<Errors>({});
  const [topErrors, setTopErrors] = useState<string[]>([]);
  const [notice, setNotice] = useState<'saved' | 'reset' | null>(null);
  const inputs = useRef(new Map<Path, HTMLInputElement>());
  const nextVersion = settings.version + 1;
  const dirty = !sameValues(values, toForm(settings.thresholds));
  const total = totalPoints(values);
  const critical = parseField(FIELD_BY_PATH.get('bands.critical')!, values['bands.critical']).value;

  function focusFirst(found: Errors) {
    const first = FIELDS.find((f) => found[f.path]);
    if (first) inputs.current.get(first.path)?.focus();
  }

  const save = useMutation({
    mutationFn: (thresholds: FraudThresholds) => fraudApi.save(thresholds),
    onSuccess: (data) => {
      queryClient.setQueryData(queryKeys.fraudSettings, data);
      setValues(toForm(data.thresholds));
      setErrors({});
      setTopErrors([]);
      setNotice('saved');
    },
    onError: (error) => {
      const fields: Errors = {};
      const other: string[] = [];
      const issues = validationIssues(error);
      for (const issue of issues) {
        const f = FIELD_BY_PATH.get(issue.path);
        if (f && !fields[f.path]) {
          // The API speaks in fractions; the form in percentages.
          fields[f.path] = f.percent ? t('staff.admin.fraud.errPercent') : issue.message;
        } else if (!f) {
          other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
        }
      }
      if (issues.length === 0) other.push(errorMessage(error));
      setErrors(fields);
      setTopErrors(other);
      focusFirst(fields);
    },
  });

  function onChange(path: Path, value: string) {
    setValues((v) => ({ ...v, [path]: value }));
    setNotice(null);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    setNotice(null);
    const parsed = parseForm(values);
    setErrors(parsed.errors);
    if (!parsed.thresholds) {
      setTopErrors([]);
      focusFirst(parsed.errors);
      return;
    }
    if (!dirty) {
      setTopErrors([t('staff.admin.fraud.nothingToSave', { version: settings.version })]);
      return;
    }
    setTopErrors([]);
    save.mutate(parsed.thresholds);
  }

  function onReset() {
    setValues(toForm(DEFAULT_FRAUD_THRESHOLDS));
    setErrors({});
    setTopErrors([]);
    setNotice('reset');
  }

  function renderField(f: FieldDef) {
    return (
      <TextField
        key={f.path}
        label={f.label}
        hint={f.hint}
        name={f.path}
        type="number"
        inputMode={f.integer ? 'numeric' : 'decimal'}
        step={f.integer ? 1 : 'any'}
        min={f.percent ? 0 : f.min}
        max={f.percent ? 100 : f.max}
        required
        autoComplete="off"
        value={values[f.path]}
        onChange={(e) => onChange(f.path, e.target.value)}
        error={errors[f.path]}
        inputRef={(el) => {
          if (el) inputs.current.set(f.path, el);
          else inputs.current.delete(f.path);
        }}
      />
    );
  }

  function renderSection(s: SectionDef) {
    const explanationId = `fraud-${s.group}-explanation`;
    return (
      <fieldset key={s.group} className="card" aria-describedby={explanationId}>
        <legend className="float-left w-full text-xl font-bold text-stone-900">{s.legend}</legend>
        <p id={explanationId} className="clear-left pt-2 text-stone-800">
          {s.explanation}
        </p>
        <div className="mt-4 grid gap-4 sm:grid-cols-2">{s.fields.map(renderField)}</div>
      </fieldset>
    );
  }

  return (
    <form noValidate onSubmit={onSubmit} className="mt-6 space-y-6">
      {SIGNALS.map(renderSection)}

      <section aria-labelledby="fraud-total-label" className="card">
        <h2 id="fraud-total-label" className="text-xl font-bold">
          {t('staff.admin.fraud.total')}
        </h2>
        {/* <output> is a polite live region: the figure is read out as the points change. */}
        <output aria-labelledby="fraud-total-label" className="mt-2 block text-3xl font-bold text-stone-900">
          {total === null ? '—' : t('staff.admin.fraud.points', { count: total })}
        </output>
        <p className="mt-2 text-stone-800">
          {total === null
            ? t('staff.admin.fraud.totalMissing')
            : total > 100
              ? t('staff.admin.fraud.totalCapped')
              : critical !== undefined && total < critical
                ? t('staff.admin.fraud.totalBelowCritical', { points: show(critical) })
                : t('staff.admin.fraud.totalCap')}
        </p>
      </section>

      {renderSection(BANDS)}

      <div className="card space-y-4">
        {topErrors.length > 0 && (
          <Alert title={t('staff.admin.fraud.notSaved')}>
            {topErrors.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </Alert>
        )}
        {notice === 'saved' && save.data && (
          <Success title={t('staff.admin.fraud.savedAs', { version: save.data.version })}>
            <p>{t('staff.admin.fraud.savedBody')}</p>
          </Success>
        )}
        {notice === 'reset' && (
          <p role="status" className="rounded-md border-l-4 border-amber-500 bg-amber-50 p-3 text-stone-900">
            {t('staff.admin.fraud.resetNotice', { version: nextVersion })}
          </p>
        )}
        <p id="fraud-save-explanation" className="text-stone-800">
          {t('staff.admin.fraud.saveExplanation', { version: nextVersion })}
          {dirty && <strong className="mt-1 block">{t('staff.admin.fraud.unsaved')}</strong>}
        </p>
        <div className="flex flex-wrap gap-3">
          <button
            type="submit"
            className="btn-primary"
            aria-busy={save.isPending || undefined}
            aria-describedby="fraud-save-explanation"
          >
            {t('staff.admin.fraud.saveAs', { version: nextVersion })}
          </button>
          <button type="button" className="btn-secondary" onClick={onReset} aria-describedby="fraud-reset-hint">
            {t('staff.admin.fraud.reset')}
          </button>
        </div>
        <p id="fraud-reset-hint" className="hint">
          {t('staff.admin.fraud.resetHint')}
        </p>
      </div>
    </form>
  );
}
