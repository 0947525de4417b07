import { memo, useContext, useState, type ReactNode } from 'react';
import { QUESTION_TYPES, type FormSchema, type Question, type Section } from '../../../forms/engine';
import { plural } from '../../../lib/format';
import {
  BuilderSelectField,
  BuilderTextField,
  ConfirmDialog,
  ExpressionField,
  PathProblems,
  ProblemsContext,
} from './BuilderFields';
import {
  addQuestion,
  addSection,
  changeType,
  fieldId,
  isAnswerType,
  isMetadataType,
  isSelectType,
  moveQuestion,
  moveSection,
  questionPath,
  removeQuestion,
  removeSection,
  sectionPath,
  TYPE_LABELS,
  updateQuestion,
  updateSection,
} from './draft';

/**
 * How editors change the draft: `edit` applies a change to the latest draft and returns the result.
 * It and `focusLater` never change, so a question or list that did not change is not drawn again.
 */
export interface EditorProps {
  edit: (change: (form: FormSchema) => FormSchema) => FormSchema;
  /** Focus the first of these element ids that exists once the next render is on screen. */
  focusLater: (...ids: string[]) => void;
}

interface SectionsEditorProps extends EditorProps {
  form: FormSchema;
  /** The question whose editor is open (by identity: it survives moves, and follows edits). */
  open: Question | null;
  onOpen: (question: Question | null) => void;
  /** The names of the choice lists, for the "Choice list" drop-down. */
  listNames: readonly string[];
}

const TYPE_OPTIONS = QUESTION_TYPES.map((type) => ({ value: type, label: TYPE_LABELS[type] }));

/** How many problems sit at or under a path. */
function useProblemCount(path: string): number {
  const byPath = useContext(ProblemsContext);
  let count = 0;
  for (const [key, problems] of byPath) if (key === path || key.startsWith(`${path}.`)) count += problems.length;
  return count;
}

/** Buttons that cannot act stay focusable (aria-disabled), so focus is not lost at the top or bottom. */
function SmallButton({
  id,
  disabled,
  onClick,
  children,
  danger,
}: {
  id?: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
  danger?: boolean;
}) {
  return (
    <button
      id={id}
      type="button"
      className={`inline-flex min-h-10 items-center rounded-md border px-3 py-1 text-sm font-semibold aria-disabled:cursor-not-allowed aria-disabled:opacity-50 ${
        danger
          ? 'border-red-300 bg-white text-red-800 hover:bg-red-50'
          : 'border-stone-400 bg-white text-stone-900 hover:bg-stone-100'
      }`}
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {children}
    </button>
  );
}

export function SectionsEditor({ form, edit, focusLater, open, onOpen, listNames }: SectionsEditorProps) {
  const [confirmRemove, setConfirmRemove] = useState<number | null>(null);
  const sectionToRemove = confirmRemove === null ? undefined : form.sections[confirmRemove];
  // Question numbers run on across sections: "question 7" is the seventh in the whole form.
  const firstNumbers = [1];
  for (const section of form.sections) firstNumbers.push(firstNumbers.at(-1)! + section.questions.length);
  return (
    <div className="space-y-6">
      {form.sections.map((section, si) => {
        const openIndex = open ? section.questions.indexOf(open) : -1;
        return (
          <SectionCard
            key={si}
            section={section}
            si={si}
            sectionCount={form.sections.length}
            firstNumber={firstNumbers[si]!}
            openIndex={openIndex}
            listNames={listNames}
            edit={edit}
            focusLater={focusLater}
            onOpen={onOpen}
            onRemove={setConfirmRemove}
          />
        );
      })}
      <button
        type="button"
        id="add-section"
        className="btn-secondary"
        onClick={() => {
          const next = edit(addSection);
          focusLater(fieldId(sectionPath(next.sections.length - 1, 'name')));
        }}
      >
        Add section
      </button>
      <ConfirmDialog
        open={sectionToRemove !== undefined}
        title="Remove this section?"
        confirmLabel="Remove section"
        danger
        onCancel={() => setConfirmRemove(null)}
        onConfirm={() => {
          if (confirmRemove !== null) removeSectionAt(edit, focusLater, confirmRemove);
          setConfirmRemove(null);
        }}
      >
        <p>
          Section “{sectionToRemove?.label || sectionToRemove?.name}” and its{' '}
          {plural(sectionToRemove?.questions.length ?? 0, 'question', 'questions')} will be removed from the draft.
          Nothing is lost until you save the draft.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function removeSectionAt(edit: EditorProps['edit'], focusLater: EditorProps['focusLater'], si: number) {
  const next = edit((form) => removeSection(form, si));
  focusLater(next.sections.length > 0 ? fieldId(sectionPath(Math.max(0, si - 1))) : 'add-section');
}

const SectionCard = memo(function SectionCard({
  section,
  si,
  sectionCount,
  firstNumber,
  openIndex,
  listNames,
  edit,
  focusLater,
  onOpen,
  onRemove,
}: EditorProps & {
  section: Section;
  si: number;
  sectionCount: number;
  firstNumber: number;
  /** Which of this section's questions is open (-1: none). */
  openIndex: number;
  listNames: readonly string[];
  onOpen: (question: Question | null) => void;
  /** Ask before removing a section that has questions. */
  onRemove: (si: number) => void;
}) {
  const id = fieldId(sectionPath(si));
  const headingId = `${id}-heading`;
  const update = (patch: Partial<Omit<Section, 'questions'>>) => edit((form) => updateSection(form, si, patch));
  return (
    <section id={id} tabIndex={-1} aria-labelledby={headingId} className="card space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="mr-auto text-lg font-bold">
          Section {si + 1}: {section.label || section.name}
        </h3>
        <SmallButton
          id={`${id}-up`}
          disabled={si === 0}
          onClick={() => {
            edit((form) => moveSection(form, si, -1));
            focusLater(`${fieldId(sectionPath(si - 1))}-up`);
          }}
        >
          Move section up<span className="sr-only"> {section.name}</span>
        </SmallButton>
        <SmallButton
          id={`${id}-down`}
          disabled={si === sectionCount - 1}
          onClick={() => {
            edit((form) => moveSection(form, si, 1));
            focusLater(`${fieldId(sectionPath(si + 1))}-down`);
          }}
        >
          Move section down<span className="sr-only"> {section.name}</span>
        </SmallButton>
        <SmallButton
          danger
          disabled={sectionCount === 1}
          onClick={() => (section.questions.length > 0 ? onRemove(si) : removeSectionAt(edit, focusLater, si))}
        >
          Remove section<span className="sr-only"> {section.name}</span>
        </SmallButton>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <BuilderTextField
          path={sectionPath(si, 'name')}
          label="Section name"
          mono
          value={section.name}
          onChange={(name) => update({ name })}
        />
        <BuilderTextField
          path={sectionPath(si, 'label')}
          label="Section label"
          value={section.label ?? ''}
          onChange={(label) => update({ label: label || undefined })}
        />
        <ExpressionField
          className="sm:col-span-2"
          path={sectionPath(si, 'relevant')}
          label="Show section when"
          hint="Leave empty to always show this section."
          value={section.relevant ?? ''}
          onChange={(relevant) => update({ relevant: relevant.trim() ? relevant : undefined })}
        />
      </div>
      <PathProblems path={sectionPath(si)} />
      <PathProblems path={sectionPath(si, 'questions')} />

      {section.questions.length === 0 ? (
        <p className="text-stone-700">This section has no questions yet.</p>
      ) : (
        <ol className="space-y-2" aria-label={`Questions in section ${si + 1}`}>
          {section.questions.map((question, qi) => (
            <QuestionRow
              key={qi}
              edit={edit}
              focusLater={focusLater}
              si={si}
              qi={qi}
              number={firstNumber + qi}
              question={question}
              isOpen={openIndex === qi}
              isFirst={si === 0 && qi === 0}
              isLast={si === sectionCount - 1 && qi === section.questions.length - 1}
              sectionSize={section.questions.length}
              listNames={listNames}
              onOpen={onOpen}
            />
          ))}
        </ol>
      )}
      <button
        type="button"
        id={`${id}-add`}
        className="btn-secondary"
        onClick={() => {
          let added: Question | undefined;
          edit((form) => {
            const result = addQuestion(form, si);
            added = result.question;
            return result.form;
          });
          if (added) onOpen(added);
          focusLater(fieldId(questionPath(si, section.questions.length, 'name')));
        }}
      >
        Add question<span className="sr-only"> to section {si + 1}</span>
      </button>
    </section>
  );
});

const QuestionRow = memo(function QuestionRow({
  edit,
  focusLater,
  si,
  qi,
  number,
  question,
  isOpen,
  isFirst,
  isLast,
  sectionSize,
  listNames,
  onOpen,
}: EditorProps & {
  si: number;
  qi: number;
  number: number;
  question: Question;
  isOpen: boolean;
  isFirst: boolean;
  isLast: boolean;
  sectionSize: number;
  listNames: readonly string[];
  onOpen: (question: Question | null) => void;
}) {
  const path = questionPath(si, qi);
  const id = fieldId(path);
  const problemCount = useProblemCount(path);

  function move(delta: -1 | 1) {
    let moved: { si: number; qi: number } | null = null;
    edit((form) => {
      const result = moveQuestion(form, si, qi, delta);
      moved = result;
      return result ? result.form : form;
    });
    // The same button, now at the question's new place.
    const to = moved as { si: number; qi: number } | null;
    if (to) focusLater(`${fieldId(questionPath(to.si, to.qi))}-${delta < 0 ? 'up' : 'down'}`);
  }

  return (
    <li className={`rounded-md border ${isOpen ? 'border-green-800' : 'border-stone-300'} bg-white`}>
      <div className="flex flex-wrap items-center gap-2 p-2">
        <button
          type="button"
          id={`${id}-toggle`}
          aria-expanded={isOpen}
          aria-controls={isOpen ? id : undefined}
          className="min-h-11 min-w-0 flex-1 rounded-md px-2 py-1 text-left hover:bg-stone-100"
          onClick={() => onOpen(isOpen ? null : question)}
        >
          <span className="block font-semibold break-words">
            {number}. {question.label || question.name}
          </span>
          <span className="block text-sm text-stone-700">
            <span className="font-mono">{question.name}</span> · {TYPE_LABELS[question.type] ?? question.type}
            {question.relevant && ' · conditional'}
            {problemCount > 0 && (
              <span className="font-semibold text-red-700"> · {plural(problemCount, 'problem', 'problems')}</span>
            )}
          </span>
        </button>
        <SmallButton id={`${id}-up`} disabled={isFirst} onClick={() => move(-1)}>
          Move up<span className="sr-only"> question {question.name}</span>
        </SmallButton>
        <SmallButton id={`${id}-down`} disabled={isLast} onClick={() => move(1)}>
          Move down<span className="sr-only"> question {question.name}</span>
        </SmallButton>
        <SmallButton
          danger
          onClick={() => {
            edit((form) => removeQuestion(form, si, qi));
            if (isOpen) onOpen(null);
            focusLater(
              sectionSize > 1
                ? `${fieldId(questionPath(si, Math.min(qi, sectionSize - 2)))}-toggle`
                : `${fieldId(sectionPath(si))}-add`,
            );
          }}
        >
          Remove<span className="sr-only"> question {question.name}</span>
        </SmallButton>
      </div>
      {isOpen && (
        <QuestionEditor
          edit={edit}
          focusLater={focusLater}
          si={si}
          qi={qi}
          number={number}
          question={question}
          listNames={listNames}
          onOpen={onOpen}
        />
      )}
    </li>
  );
});

function QuestionEditor({
  edit,
  si,
  qi,
  number,
  question,
  listNames,
  onOpen,
}: EditorProps & {
  si: number;
  qi: number;
  number: number;
  question: Question;
  listNames: readonly string[];
  onOpen: (q: Question) => void;
}) {
  const path = (field: string) => questionPath(si, qi, field);
  function update(next: Question) {
    const nextForm = edit((form) => updateQuestion(form, si, qi, next));
    // The stored object (updateQuestion drops empty optional keys) is the open one from now on.
    onOpen(nextForm.sections[si]?.questions[qi] ?? next);
  }
  function set<K extends keyof Question>(key: K, value: Question[K] | undefined) {
    update({ ...question, [key]: value });
  }
  const optional = (value: string) => (value === '' ? undefined : value);
  const expression = (value: string) => (value.trim() ? value : undefined);
  const requiredOn = question.required !== undefined && question.required !== false;

  return (
    <fieldset id={fieldId(questionPath(si, qi))} tabIndex={-1} className="border-t border-stone-200 p-3 sm:p-4">
      <legend className="sr-only">Edit question {number}</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <BuilderTextField
          path={path('name')}
          label="Name"
          hint="Used in expressions as ${name} and in exports."
          mono
          value={question.name}
          onChange={(name) => set('name', name)}
        />
        <BuilderSelectField
          path={path('type')}
          label="Type"
          value={question.type}
          options={TYPE_OPTIONS}
          onChange={(type) => update(changeType(question, type as Question['type']))}
        />
        {!isMetadataType(question.type) && (
          <>
            <BuilderTextField
              className="sm:col-span-2"
              path={path('label')}
              label="Label"
              value={question.label ?? ''}
              onChange={(label) => set('label', optional(label))}
            />
            <BuilderTextField
              className="sm:col-span-2"
              path={path('hint')}
              label="Hint"
              value={question.hint ?? ''}
              onChange={(hint) => set('hint', optional(hint))}
            />
          </>
        )}
        {isSelectType(question.type) && (
          <BuilderSelectField
            className="sm:col-span-2"
            path={path('choiceList')}
            label="Choice list"
            hint={listNames.length === 0 ? 'Add a list under “Choice lists” first.' : undefined}
            value={question.choiceList ?? ''}
            options={[
              { value: '', label: 'Choose a list…' },
              ...listNames.map((name) => ({ value: name, label: name })),
            ]}
            onChange={(list) => set('choiceList', optional(list))}
          />
        )}
        {question.type === 'calculate' && (
          <ExpressionField
            className="sm:col-span-2"
            path={path('calculation')}
            label="Calculation"
            hint="For example: ${years} * 12"
            value={question.calculation ?? ''}
            onChange={(calculation) => set('calculation', expression(calculation))}
          />
        )}
        {isAnswerType(question.type) && (
          <div className="sm:col-span-2">
            <label className="flex min-h-11 items-center gap-3 font-semibold">
              <input
                id={`${fieldId(path('required'))}-check`}
                type="checkbox"
                className="size-5 accent-green-800"
                checked={requiredOn}
                onChange={(e) => set('required', e.target.checked ? true : undefined)}
              />
              Required
            </label>
            {requiredOn && (
              <ExpressionField
                path={path('required')}
                label="Required when"
                hint="Leave empty to always require an answer, or give a condition."
                value={typeof question.required === 'string' ? question.required : ''}
                onChange={(required) => set('required', required.trim() ? required : true)}
              />
            )}
          </div>
        )}
        {!isMetadataType(question.type) && (
          <ExpressionField
            className="sm:col-span-2"
            path={path('relevant')}
            label="Show when"
            hint="Leave empty to always show. For example: ${trade} = 'yes'"
            value={question.relevant ?? ''}
            onChange={(relevant) => set('relevant', expression(relevant))}
          />
        )}
        {isAnswerType(question.type) && (
          <>
            <ExpressionField
              className="sm:col-span-2"
              path={path('constraint')}
              label="Constraint"
              hint="A rule the answer must meet; “.” is the answer. For example: . >= 0 and . <= 60"
              value={question.constraint ?? ''}
              onChange={(constraint) => set('constraint', expression(constraint))}
            />
            <BuilderTextField
              className="sm:col-span-2"
              path={path('constraintMessage')}
              label="Constraint message"
              hint="Shown when the rule is broken."
              value={question.constraintMessage ?? ''}
              onChange={(message) => set('constraintMessage', optional(message))}
            />
          </>
        )}
      </div>
      <PathProblems path={questionPath(si, qi)} />
    </fieldset>
  );
}
