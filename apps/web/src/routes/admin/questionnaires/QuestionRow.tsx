import { memo, useContext } from 'react';
import { useT } from '../../../i18n';
import { ProblemsContext, SmallButton } from './BuilderFields';
import { fieldId, moveQuestion, questionPath, removeQuestion, sectionPath, typeLabel } from './draft';
import { QuestionEditor, type QuestionEditorProps } from './QuestionEditor';

/** How many problems sit at or under a path. */
function useProblemCount(path: string): number {
  const byPath = useContext(ProblemsContext);
  let count = 0;
  for (const [key, problems] of byPath) if (key === path || key.startsWith(`${path}.`)) count += problems.length;
  return count;
}

/** A question in its section's list: open it to edit, move it, remove it. */
export const QuestionRow = memo(function QuestionRow(
  props: QuestionEditorProps & { isOpen: boolean; isFirst: boolean; isLast: boolean; sectionSize: number },
) {
  const { edit, focusLater, si, qi, number, question, isOpen, isFirst, isLast, sectionSize, onOpen } = props;
  const path = questionPath(si, qi);
  const id = fieldId(path);
  const problemCount = useProblemCount(path);
  const { t } = useT();

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
            <span className="font-mono">{question.name}</span> · {typeLabel(question.type)}
            {question.questions && ` · ${t('staff.admin.builder.inside', { count: question.questions.length })}`}
            {question.relevant && ` · ${t('staff.admin.builder.conditional')}`}
            {problemCount > 0 && (
              <span className="font-semibold text-red-700">
                {' '}
                · {t('staff.admin.builder.problemCount', { count: problemCount })}
              </span>
            )}
          </span>
        </button>
        <SmallButton id={`${id}-up`} disabled={isFirst} onClick={() => move(-1)}>
          {t('staff.admin.builder.up')}
          <span className="sr-only"> {t('staff.admin.builder.questionName', { name: question.name })}</span>
        </SmallButton>
        <SmallButton id={`${id}-down`} disabled={isLast} onClick={() => move(1)}>
          {t('staff.admin.builder.down')}
          <span className="sr-only"> {t('staff.admin.builder.questionName', { name: question.name })}</span>
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
          {t('staff.admin.builder.remove')}
          <span className="sr-only"> {t('staff.admin.builder.questionName', { name: question.name })}</span>
        </SmallButton>
      </div>
      {isOpen && <QuestionEditor {...props} />}
    </li>
  );
});
