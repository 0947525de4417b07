import { useState, type FocusEvent } from 'react';
import type { AnswerValue } from './engine';
import { displayValue } from './answers';
import { Checkboxes, Dropdown, RADIO_MAX, RadioGroup } from './ChoiceControls';
import { DECIMAL, describedIds, labelText, QuestionLabel, type QuestionFieldProps } from './fieldParts';
import { GeoPointInput } from './GeoPointInput';
import { BarcodeInput } from './BarcodeInput';
import { MediaInput } from './MediaInput';

export { labelText };

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
      if (props.choices.length === 0 && question.choiceFilter) return <NothingOffered {...props} />;
      return props.choices.length <= RADIO_MAX ? <RadioGroup {...props} /> : <Dropdown {...props} />;
    case 'select_multiple':
      if (question.readOnly) return <ReadOnly {...props} />;
      if (props.choices.length === 0 && question.choiceFilter) return <NothingOffered {...props} />;
      return <Checkboxes {...props} />;
    case 'integer':
    case 'decimal':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <NumberInput {...props} />;
    case 'geopoint':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <GeoPointInput {...props} />;
    case 'barcode':
      if (question.readOnly) return <ReadOnly {...props} />;
      return <BarcodeInput {...props} />;
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return <MediaInput {...props} />;
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

/** A cascading select whose filter leaves no choice (the question it depends on is not answered yet). */
function NothingOffered({ question, id, required, error, large }: QuestionFieldProps) {
  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
      <p id={id} tabIndex={-1} className="text-stone-800">
        Nothing to choose from yet: answer the questions before this one first.
      </p>
    </>
  );
}

/** A calculation or a read-only question: shown, focusable, not editable. */
function ReadOnly({ question, id, computed, value, large }: QuestionFieldProps) {
  const { hintId } = describedIds(id, question, undefined);
  return (
    <>
      <QuestionLabel question={question} id={id} required={false} error={undefined} large={large} />
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
  time: { type: 'time' },
  datetime: { type: 'datetime-local' },
};
/** Types whose native picker gives a finished answer at each change. */
const PICKED = new Set(['date', 'time', 'datetime']);

function TextInput({ question, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = describedIds(id, question, error);
  const kind = TEXT_TYPES[question.type] ?? { type: 'text' };
  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
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
        onChange={(e) => onValue(e.target.value, PICKED.has(question.type))}
      />
    </>
  );
}

const INTEGER = /^-?\d+$/;

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
  const { describedBy } = describedIds(id, question, error);
  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
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
