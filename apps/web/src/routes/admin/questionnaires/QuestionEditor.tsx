import { QUESTION_TYPES, type Question } from '../../../forms/engine';
import { useT } from '../../../i18n';
import { BuilderSelectField, BuilderTextField, ExpressionField, PathProblems } from './BuilderFields';
import {
  changeType,
  fieldId,
  isAnswerType,
  isMetadataType,
  isSelectType,
  questionPath,
  typeLabel,
  updateQuestion,
  type EditorProps,
} from './draft';

type WideKey = 'label' | 'hint' | 'calculation' | 'relevant' | 'constraint' | 'constraintMessage';
const EXPRESSION_KEYS: ReadonlySet<WideKey> = new Set(['calculation', 'relevant', 'constraint']);

export type QuestionEditorProps = EditorProps & {
  si: number;
  qi: number;
  number: number;
  question: Question;
  listNames: readonly string[];
  onOpen: (question: Question | null) => void;
};

/** One question's settings: name, type, texts, choice list, and its expressions. */
export function QuestionEditor({ edit, si, qi, number, question, listNames, onOpen }: QuestionEditorProps) {
  const { t } = useT();
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
  /** A full-width field for one of the question's texts or expressions; emptied, it is left out. */
  function wideField(key: WideKey, label: string, hint?: string) {
    const isExpression = EXPRESSION_KEYS.has(key);
    const Field = isExpression ? ExpressionField : BuilderTextField;
    return (
      <Field
        className="sm:col-span-2"
        path={path(key)}
        label={label}
        hint={hint}
        value={question[key] ?? ''}
        onChange={(value) => set(key, isExpression ? (value.trim() ? value : undefined) : optional(value))}
      />
    );
  }
  const requiredOn = question.required !== undefined && question.required !== false;

  return (
    <fieldset id={fieldId(questionPath(si, qi))} tabIndex={-1} className="border-t border-stone-200 p-3 sm:p-4">
      <legend className="sr-only">{t('staff.admin.builder.editQuestion', { n: number })}</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <BuilderTextField
          path={path('name')}
          label={t('staff.admin.builder.field.name')}
          hint={t('staff.admin.builder.nameHint', { example: '${name}' })}
          mono
          value={question.name}
          onChange={(name) => set('name', name)}
        />
        <BuilderSelectField
          path={path('type')}
          label={t('staff.admin.builder.field.type')}
          value={question.type}
          options={QUESTION_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
          onChange={(type) => update(changeType(question, type as Question['type']))}
        />
        {!isMetadataType(question.type) && (
          <>
            {wideField('label', t('staff.admin.builder.field.label'))}
            {wideField('hint', t('staff.admin.builder.field.hint'))}
          </>
        )}
        {isSelectType(question.type) && (
          <BuilderSelectField
            className="sm:col-span-2"
            path={path('choiceList')}
            label={t('staff.admin.builder.field.choiceList')}
            hint={
              listNames.length === 0
                ? t('staff.admin.builder.addListFirst', { lists: t('staff.admin.builder.choiceLists') })
                : undefined
            }
            value={question.choiceList ?? ''}
            options={[
              { value: '', label: t('staff.admin.builder.chooseList') },
              ...listNames.map((name) => ({ value: name, label: name })),
            ]}
            onChange={(list) => set('choiceList', optional(list))}
          />
        )}
        {question.type === 'calculate' &&
          wideField(
            'calculation',
            t('staff.admin.builder.field.calculation'),
            t('staff.admin.builder.example', { example: '${years} * 12' }),
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
              {t('staff.admin.builder.required')}
            </label>
            {requiredOn && (
              <ExpressionField
                path={path('required')}
                label={t('staff.admin.builder.field.required')}
                hint={t('staff.admin.builder.requiredHint')}
                value={typeof question.required === 'string' ? question.required : ''}
                onChange={(required) => set('required', required.trim() ? required : true)}
              />
            )}
          </div>
        )}
        {!isMetadataType(question.type) &&
          wideField(
            'relevant',
            t('staff.admin.builder.field.relevant'),
            t('staff.admin.builder.relevantHint', { example: "${trade} = 'yes'" }),
          )}
        {isAnswerType(question.type) && (
          <>
            {wideField(
              'constraint',
              t('staff.admin.builder.field.constraint'),
              t('staff.admin.builder.constraintHint', { dot: '“.”', example: '. >= 0 and . <= 60' }),
            )}
            {wideField(
              'constraintMessage',
              t('staff.admin.builder.field.constraintMessage'),
              t('staff.admin.builder.constraintMessageHint'),
            )}
          </>
        )}
      </div>
      <PathProblems path={questionPath(si, qi)} />
    </fieldset>
  );
}
