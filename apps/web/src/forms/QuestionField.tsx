import { useState, type FocusEvent } from 'react';
import type { AnswerValue, Choice, GeoPoint, Question } from './engine';
import { asChoiceNames, asGeoPoint, displayValue } from './answers';

/** Above this many choices a single-choice question is a drop-down instead of radio buttons. */
export const RADIO_MAX = 8;
/** Above this many choices a multiple-choice question gets a filter box. */
export const FILTER_MIN = 21;

export interface QuestionFieldProps {
  question: Question;
  /** The question's choice list (empty for other types). */
  choices: readonly Choice[];
  /** The control's id; its wrapper, hint and error ids are made from it. */
  id: string;
  value: AnswerValue | undefined;
  /** The engine's value for the question (calculations, read-only questions). */
  computed: AnswerValue | undefined;
  required: boolean;
  error: string | undefined;
  /** One question per screen: a larger label. */
  large?: boolean;
  /** `settled` is true for a finished choice (radio, checkbox, date, location), false while typing. */
  onValue: (value: AnswerValue | undefined, settled: boolean) => void;
  /** Focus left the question. */
  onLeave: () => void;
}

export function labelText(question: Question): string {
  return question.label?.trim() || question.name;
}

function RequiredMark({ required }: { required: boolean }) {
  if (!required) return null;
  return (
    <>
      <span aria-hidden="true" className="ml-1 text-red-700">
        *
      </span>
      <span className="sr-only"> (required)</span>
    </>
  );
}

function ids(id: string, question: Question, error: string | undefined) {
  const hintId = question.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined };
}

function Messages({ question, id, error }: { question: Question; id: string; error: string | undefined }) {
  return (
    <>
      {question.hint && (
        <span id={`${id}-hint`} className="hint">
          {question.hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {error}
        </span>
      )}
    </>
  );
}

function labelClass(large: boolean | undefined): string {
  return large ? 'block text-xl font-semibold text-stone-900' : 'label text-base';
}

/** One question: its label, hint, error and the control for its type. */
export function QuestionField(props: QuestionFieldProps) {
  const { question, id, onLeave } = props;
  function onBlur(event: FocusEvent<HTMLDivElement>) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) onLeave();
  }
  return (
    <div id={`${id}-wrap`} data-question={question.name} onBlur={onBlur}>
      <Control {...props} />
    </div>
  );
}

function Control(props: QuestionFieldProps) {
  const { question } = props;
  switch (question.type) {
    case 'note':
      return <Note {...props} />;
    case 'calculate':
      return <ReadOnly {...props} />;
    case 'select_one':
      if (question.readOnly) return <ReadOnly {...props} />;
      return props.choices.length <= RADIO_MAX ? <RadioGroup {...props} /> : <Dropdown {...props} />;
    case 'select_multiple':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <Checkboxes {...props} />;
    case 'integer':
    case 'decimal':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <NumberInput {...props} />;
    case 'geopoint':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <GeoPointInput {...props} />;
    default:
      if (question.readOnly) return <ReadOnly {...props} />;
      return <TextInput {...props} />;
  }
}

function Note({ question, large }: QuestionFieldProps) {
  return (
    <div className="rounded-md border-l-4 border-stone-400 bg-stone-100 p-3">
      {question.label && <p className={large ? 'text-xl font-semibold' : 'font-semibold'}>{question.label}</p>}
      {question.hint && <p className="mt-1 text-stone-800">{question.hint}</p>}
    </div>
  );
}

/** A calculation or a read-only question: shown, focusable, not editable. */
function ReadOnly({ question, id, computed, value, large }: QuestionFieldProps) {
  const { hintId } = ids(id, question, undefined);
  return (
    <>
      <label htmlFor={id} className={labelClass(large)}>
        {labelText(question)}
      </label>
      <Messages question={question} id={id} error={undefined} />
      <input
        id={id}
        type="text"
        readOnly
        className="input"
        value={displayValue(computed ?? value)}
        aria-describedby={hintId}
      />
    </>
  );
}

const TEXT_TYPES: Record<string, { type: string; inputMode?: 'numeric' | 'tel' | 'email'; autoComplete?: string }> = {
  text: { type: 'text' },
  phone: { type: 'tel', inputMode: 'tel', autoComplete: 'tel' },
  email: { type: 'email', inputMode: 'email', autoComplete: 'email' },
  nin: { type: 'text', inputMode: 'numeric', autoComplete: 'off' },
  date: { type: 'date' },
};

function TextInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = ids(id, question, error);
  const kind = TEXT_TYPES[question.type] ?? { type: 'text' };
  const isDate = question.type === 'date';
  return (
    <>
      <label htmlFor={id} className={labelClass(large)}>
        {labelText(question)}
        <RequiredMark required={required} />
      </label>
      <Messages question={question} id={id} error={error} />
      <input
        id={id}
        name={question.name}
        type={kind.type}
        inputMode={kind.inputMode}
        autoComplete={kind.autoComplete ?? 'off'}
        maxLength={question.type === 'nin' ? 11 : undefined}
        spellCheck={question.type === 'text' ? undefined : false}
        className={question.type === 'nin' ? 'input font-mono tracking-wider sm:max-w-xs' : 'input'}
        value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onValue(e.target.value, isDate)}
      />
    </>
  );
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/** The typed text as a number when it is one; otherwise the text, so the engine can say what is wrong. */
function parseNumber(text: string, integer: boolean): AnswerValue | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return (integer ? INTEGER : DECIMAL).test(trimmed) ? Number(trimmed) : trimmed;
}

function NumberInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const integer = question.type === 'integer';
  const external = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  // The text as typed ("1." on the way to "1.5"); it follows the answer when that changes elsewhere.
  const [text, setText] = useState(external);
  const [synced, setSynced] = useState(value);
  if (value !== synced) {
    setSynced(value);
    if (parseNumber(text, integer) !== value) setText(external);
  }
  const { describedBy } = ids(id, question, error);
  return (
    <>
      <label htmlFor={id} className={labelClass(large)}>
        {labelText(question)}
        <RequiredMark required={required} />
      </label>
      <Messages question={question} id={id} error={error} />
      <input
        id={id}
        name={question.name}
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        className="input sm:max-w-xs"
        value={text}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseNumber(e.target.value, integer);
          setSynced(parsed);
          onValue(parsed, false);
        }}
      />
    </>
  );
}

function GroupLegend({ question, required, large }: { question: Question; required: boolean; large?: boolean }) {
  return (
    <legend className={large ? 'text-xl font-semibold text-stone-900' : 'text-base font-semibold text-stone-900'}>
      {labelText(question)}
      <RequiredMark required={required} />
    </legend>
  );
}

function RadioGroup({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = ids(id, question, error);
  const selected = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      <div className="mt-2 space-y-1">
        {choices.map((choice, i) => (
          <label
            key={choice.name}
            className="flex min-h-11 cursor-pointer items-center gap-3 rounded-md border border-stone-300 bg-white px-3 py-2 has-checked:border-green-800 has-checked:bg-green-50"
          >
            <input
              type="radio"
              id={i === 0 ? `${id}-first` : undefined}
              name={`${id}-choice`}
              value={choice.name}
              checked={selected === choice.name}
              className="size-5 accent-green-800"
              aria-invalid={error ? true : undefined}
              onChange={() => onValue(choice.name, true)}
            />
            <span>{choice.label || choice.name}</span>
          </label>
        ))}
      </div>
      {selected && !required && (
        <button type="button" className="link mt-2 text-sm" onClick={() => onValue(undefined, true)}>
          Clear answer<span className="sr-only"> to “{labelText(question)}”</span>
        </button>
      )}
    </fieldset>
  );
}

function Dropdown({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = ids(id, question, error);
  const selected = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return (
    <>
      <label htmlFor={id} className={labelClass(large)}>
        {labelText(question)}
        <RequiredMark required={required} />
      </label>
      <Messages question={question} id={id} error={error} />
      <select
        id={id}
        name={question.name}
        className="input"
        value={selected}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onValue(e.target.value, true)}
      >
        <option value="">Choose…</option>
        {choices.map((choice) => (
          <option key={choice.name} value={choice.name}>
            {choice.label || choice.name}
          </option>
        ))}
      </select>
    </>
  );
}

function Checkboxes({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = ids(id, question, error);
  const selected = asChoiceNames(value);
  const [filter, setFilter] = useState('');
  const filterable = choices.length >= FILTER_MIN;
  const needle = filter.trim().toLowerCase();
  // Ticked choices stay in view while filtering, so a person always sees what they chose.
  const shown = needle
    ? choices.filter((c) => selected.includes(c.name) || (c.label || c.name).toLowerCase().includes(needle))
    : choices;
  function toggle(name: string, on: boolean) {
    const next = on ? [...selected, name] : selected.filter((n) => n !== name);
    // Keep the list's order, whatever order the boxes were ticked in.
    onValue(
      choices.map((c) => c.name).filter((n) => next.includes(n)),
      true,
    );
  }
  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      {filterable && (
        <div className="mt-2">
          <label htmlFor={`${id}-filter`} className="label">
            Filter choices<span className="sr-only"> for “{labelText(question)}”</span>
          </label>
          <input
            id={`${id}-filter`}
            type="search"
            autoComplete="off"
            className="input sm:max-w-sm"
            value={filter}
            aria-describedby={`${id}-count`}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              // Enter in the filter must not move to the next question.
              if (e.key === 'Enter') e.preventDefault();
            }}
          />
          <span id={`${id}-count`} className="hint" aria-live="polite">
            Showing {shown.length} of {choices.length} choices, {selected.length} ticked
          </span>
        </div>
      )}
      <div className={`mt-2 space-y-1 ${filterable ? 'max-h-96 overflow-y-auto pr-1' : ''}`}>
        {shown.map((choice, i) => (
          <label
            key={choice.name}
            className="flex min-h-11 cursor-pointer items-center gap-3 rounded-md border border-stone-300 bg-white px-3 py-2 has-checked:border-green-800 has-checked:bg-green-50"
          >
            <input
              type="checkbox"
              id={i === 0 ? `${id}-first` : undefined}
              value={choice.name}
              checked={selected.includes(choice.name)}
              className="size-5 accent-green-800"
              aria-invalid={error ? true : undefined}
              onChange={(e) => toggle(choice.name, e.target.checked)}
            />
            <span>{choice.label || choice.name}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function coordinate(text: string, limit: number): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Math.abs(n) <= limit ? n : undefined;
}

function GeoPointInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const point = asGeoPoint(value);
  const [lat, setLat] = useState(point ? String(point.lat) : '');
  const [lng, setLng] = useState(point ? String(point.lng) : '');
  const [synced, setSynced] = useState(point);
  const [status, setStatus] = useState('');
  const [locating, setLocating] = useState(false);
  if (point !== synced) {
    setSynced(point);
    setLat(point ? String(point.lat) : '');
    setLng(point ? String(point.lng) : '');
  }
  const { describedBy } = ids(id, question, error);

  function commit(nextLat: string, nextLng: string) {
    const la = coordinate(nextLat, 90);
    const ln = coordinate(nextLng, 180);
    const next: GeoPoint | undefined = la !== undefined && ln !== undefined ? { lat: la, lng: ln } : undefined;
    setSynced(next);
    onValue(next, false);
  }

  function locate() {
    if (!('geolocation' in navigator)) {
      setStatus('This browser cannot find your location. Type the latitude and longitude instead.');
      return;
    }
    setLocating(true);
    setStatus('Finding your location…');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        const found: GeoPoint = {
          lat: position.coords.latitude,
          lng: position.coords.longitude,
          accuracy: Math.round(position.coords.accuracy),
        };
        setStatus(`Location found (accurate to about ${found.accuracy} m).`);
        onValue(found, true);
      },
      (failure) => {
        setLocating(false);
        setStatus(
          failure.code === failure.PERMISSION_DENIED
            ? 'Location permission was refused. Allow it in the browser settings, or type the latitude and longitude.'
            : 'Your location could not be found. Try again outdoors, or type the latitude and longitude.',
        );
      },
      { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 },
    );
  }

  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      <button
        type="button"
        id={`${id}-first`}
        className="btn-secondary mt-2"
        aria-busy={locating || undefined}
        onClick={locate}
      >
        Use my location
      </button>
      <p aria-live="polite" className="mt-1 min-h-5 text-sm text-stone-800">
        {status}
      </p>
      <div className="mt-2 grid gap-3 sm:max-w-md sm:grid-cols-2">
        <div>
          <label htmlFor={`${id}-lat`} className="label">
            Latitude
          </label>
          <input
            id={`${id}-lat`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            className="input font-mono"
            value={lat}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setLat(e.target.value);
              commit(e.target.value, lng);
            }}
          />
        </div>
        <div>
          <label htmlFor={`${id}-lng`} className="label">
            Longitude
          </label>
          <input
            id={`${id}-lng`}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            className="input font-mono"
            value={lng}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setLng(e.target.value);
              commit(lat, e.target.value);
            }}
          />
        </div>
      </div>
      {point?.accuracy !== undefined && <p className="hint">Accuracy: about {point.accuracy} m</p>}
    </fieldset>
  );
}
