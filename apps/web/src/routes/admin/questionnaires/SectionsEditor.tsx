import { memo, useState } from 'react';
import type { FormSchema, Question, Section } from '../../../forms/engine';
import { useT } from '../../../i18n';
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
  /** Folded sections (by index): only their heading shows. */
  collapsed: ReadonlySet<number>;
  onToggle: (si: number) => void;
}

export function SectionsEditor({
  form,
  edit,
  focusLater,
  open,
  onOpen,
  listNames,
  collapsed,
  onToggle,
}: SectionsEditorProps) {
  const { t } = useT();
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
            isCollapsed={collapsed.has(si)}
            onToggle={onToggle}
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
        {t('staff.admin.builder.addSection')}
      </button>
      <ConfirmDialog
        open={sectionToRemove !== undefined}
        title={t('staff.admin.builder.removeSectionTitle')}
        confirmLabel={t('staff.admin.builder.removeSection')}
        danger
        onCancel={() => setConfirmRemove(null)}
        onConfirm={() => {
          if (confirmRemove !== null) removeSectionAt(edit, focusLater, confirmRemove);
          setConfirmRemove(null);
        }}
      >
        <p>
          {t('staff.admin.builder.removeSectionBody', {
            name: sectionToRemove?.label || sectionToRemove?.name || '',
            count: sectionToRemove?.questions.length ?? 0,
          })}
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
  isCollapsed,
  onToggle,
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
  isCollapsed: boolean;
  onToggle: (si: number) => void;
}) {
  const { t } = useT();
  const id = fieldId(sectionPath(si));
  const headingId = `${id}-heading`;
  const bodyId = `${id}-body`;
  const update = (patch: Partial<Omit<Section, 'questions'>>) => edit((form) => updateSection(form, si, patch));
  const count = section.questions.length;
  return (
    <section
      id={id}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-collapsed={isCollapsed || undefined}
      className="card space-y-4"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h3 id={headingId} className="mr-auto min-w-0 text-lg font-bold">
          <button
            type="button"
            id={`${id}-fold`}
            aria-expanded={!isCollapsed}
            aria-controls={isCollapsed ? undefined : bodyId}
            className="flex min-h-11 items-start gap-2 rounded-md text-left hover:bg-stone-100"
            onClick={() => onToggle(si)}
          >
            <span aria-hidden="true" className="mt-0.5 inline-block w-4 shrink-0 text-stone-700">
              {isCollapsed ? '▸' : '▾'}
            </span>
            <span className="min-w-0 break-words">
              {t('staff.admin.builder.sectionHeading', { n: si + 1, name: section.label || section.name })}
              <span className="block text-sm font-normal text-stone-700">
                {t('staff.admin.builder.sectionCount', {
                  count,
                  first: firstNumber,
                  last: firstNumber + count - 1,
                })}
              </span>
            </span>
          </button>
        </h3>
        <SmallButton
          id={`${id}-up`}
          disabled={si === 0}
          onClick={() => {
            edit((form) => moveSection(form, si, -1));
            focusLater(`${fieldId(sectionPath(si - 1))}-up`);
          }}
        >
          {t('staff.admin.builder.sectionUp')}
          <span className="sr-only"> {section.name}</span>
        </SmallButton>
        <SmallButton
          id={`${id}-down`}
          disabled={si === sectionCount - 1}
          onClick={() => {
            edit((form) => moveSection(form, si, 1));
            focusLater(`${fieldId(sectionPath(si + 1))}-down`);
          }}
        >
          {t('staff.admin.builder.sectionDown')}
          <span className="sr-only"> {section.name}</span>
        </SmallButton>
        <SmallButton
          danger
          disabled={sectionCount === 1}
          onClick={() => (section.questions.length > 0 ? onRemove(si) : removeSectionAt(edit, focusLater, si))}
        >
          {t('staff.admin.builder.removeSection')}
          <span className="sr-only"> {section.name}</span>
        </SmallButton>
      </div>
      {isCollapsed ? null : (
        <div id={bodyId} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <BuilderTextField
              path={sectionPath(si, 'name')}
              label={t('staff.admin.builder.sectionName')}
              mono
              value={section.name}
              onChange={(name) => update({ name })}
            />
            <BuilderTextField
              path={sectionPath(si, 'label')}
              label={t('staff.admin.builder.sectionLabel')}
              value={section.label ?? ''}
              onChange={(label) => update({ label: label || undefined })}
            />
            <ExpressionField
              className="sm:col-span-2"
              path={sectionPath(si, 'relevant')}
              label={t('staff.admin.builder.sectionRelevant')}
              hint={t('staff.admin.builder.sectionRelevantHint')}
              value={section.relevant ?? ''}
              onChange={(relevant) => update({ relevant: relevant.trim() ? relevant : undefined })}
            />
          </div>
          <PathProblems path={sectionPath(si)} />
          <PathProblems path={sectionPath(si, 'questions')} />

          {section.questions.length === 0 ? (
            <p className="text-stone-700">{t('staff.admin.builder.noQuestions')}</p>
          ) : (
            <ol className="space-y-2" aria-label={t('staff.admin.builder.questionsIn', { n: si + 1 })}>
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
            {t('staff.admin.builder.addQuestion')}
            <span className="sr-only"> {t('staff.admin.builder.toSection', { n: si + 1 })}</span>
          </button>
        </div>
      )}
      {/* Problems stay in sight when the section is folded. */}
      {isCollapsed && <PathProblems path={sectionPath(si)} />}
    </section>
  );
});
