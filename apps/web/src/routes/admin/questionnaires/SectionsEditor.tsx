import { memo, useState } from 'react';
import type { FormSchema, Question, Section } from '../../../forms/engine';
import { plural } from '../../../lib/format';
import { BuilderTextField, ConfirmDialog, ExpressionField, PathProblems, SmallButton } from './BuilderFields';
import {
  addQuestion,
  addSection,
  fieldId,
  moveSection,
  questionPath,
  removeSection,
  sectionPath,
  updateSection,
  type EditorProps,
} from './draft';
import { QuestionRow } from './QuestionRow';

interface SectionsEditorProps extends EditorProps {
  form: FormSchema;
  /** The question whose editor is open (by identity: it survives moves, and follows edits). */
  open: Question | null;
  onOpen: (question: Question | null) => void;
  /** The names of the choice lists, for the "Choice list" drop-down. */
  listNames: readonly string[];
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
