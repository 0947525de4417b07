import { memo, useContext, useMemo, useState, type KeyboardEvent } from 'react';
import type { Choice, FormSchema } from '../../../forms/engine';
import { DataTable, TableHead } from '../../../components/Table';
import { useT } from '../../../i18n';
import { BuilderTextField, PathProblems, ProblemsContext } from './BuilderFields';
import {
  addChoice,
  addChoiceList,
  checkListName,
  choiceListPath,
  fieldId,
  moveChoice,
  removeChoice,
  removeChoiceList,
  renameChoiceList,
  updateChoice,
  typeLabel,
  type EditorProps,
} from './draft';

const CODE = '\u0000';

/** Lists open at first when there are few of them; a large imported form starts folded. */
const OPEN_WHEN_AT_MOST = 6;

export function ChoiceListsEditor({ form, edit, focusLater }: EditorProps & { form: FormSchema }) {
  const { t } = useT();
  // The example expression is code, shown as is inside the translated sentence.
  const [introBefore, introAfter = ''] = t('staff.admin.builder.choiceListsIntro', {
    one: typeLabel('select_one'),
    several: typeLabel('select_multiple'),
    example: CODE,
  }).split(CODE);
  const [newName, setNewName] = useState('');
  const [newError, setNewError] = useState<string>();
  const lists = Object.entries(form.choiceLists);
  // Which questions use each list, as text: unchanged text leaves the list's editor alone.
  const users = useMemo(() => {
    const byList = new Map<string, string[]>();
    for (const section of form.sections)
      for (const q of section.questions)
        if (q.choiceList) byList.set(q.choiceList, [...(byList.get(q.choiceList) ?? []), q.name]);
    return byList;
  }, [form.sections]);

  function add() {
    const name = newName.trim();
    const problem = checkListName(form, name);
    setNewError(problem);
    if (problem) {
      focusLater('new-list-name');
      return;
    }
    edit((current) => addChoiceList(current, name));
    setNewName('');
    focusLater(`${fieldId(choiceListPath(name))}-add`);
  }

  return (
    <section className="card space-y-4" aria-labelledby="choice-lists-heading">
      <h2 id="choice-lists-heading" className="text-xl font-bold">
        {t('staff.admin.builder.choiceLists')}
      </h2>
      <p className="text-stone-800">
        {introBefore}
        <code className="font-mono">{"${trade} = 'yes'"}</code>
        {introAfter}
      </p>
      {lists.length === 0 && <p className="text-stone-700">{t('staff.admin.builder.noLists')}</p>}
      {lists.map(([name, choices]) => (
        <ChoiceListEditor
          key={name}
          edit={edit}
          focusLater={focusLater}
          name={name}
          choices={choices}
          usedBy={(users.get(name) ?? []).join(', ')}
          initiallyOpen={lists.length <= OPEN_WHEN_AT_MOST || choices.length === 0}
        />
      ))}
      <div className="rounded-md border border-dashed border-stone-400 p-3">
        <label htmlFor="new-list-name" className="label">
          {t('staff.admin.builder.newListName')}
        </label>
        <span id="new-list-name-hint" className="hint">
          {t('staff.admin.builder.newListNameHint', { example: 'yes_no' })}
        </span>
        {newError && (
          <span id="new-list-name-error" role="alert" className="field-error">
            {newError}
          </span>
        )}
        <div className="mt-1 flex flex-col gap-2 sm:flex-row">
          <input
            id="new-list-name"
            type="text"
            autoComplete="off"
            spellCheck={false}
            className="input mt-0 font-mono sm:max-w-xs"
            value={newName}
            aria-invalid={newError ? true : undefined}
            aria-describedby={newError ? 'new-list-name-hint new-list-name-error' : 'new-list-name-hint'}
            onChange={(e) => {
              setNewName(e.target.value);
              setNewError(undefined);
            }}
            onKeyDown={(e: KeyboardEvent) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="btn-secondary" onClick={add}>
            {t('staff.admin.builder.addList')}
          </button>
        </div>
      </div>
    </section>
  );
}

const ChoiceListEditor = memo(function ChoiceListEditor({
  edit,
  focusLater,
  name,
  choices,
  usedBy,
  initiallyOpen,
}: EditorProps & { name: string; choices: Choice[]; usedBy: string; initiallyOpen: boolean }) {
  const { t } = useT();
  const byPath = useContext(ProblemsContext);
  const listPath = choiceListPath(name);
  const hasProblems = [...byPath.keys()].some((key) => key === listPath || key.startsWith(`${listPath}.`));
  // Open when it has problems at first; then the person opens and folds it as they like. A folded
  // list's choices are not drawn at all (the master questionnaire has lists of hundreds of choices).
  const [open, setOpen] = useState(initiallyOpen || hasProblems);
  const [rename, setRename] = useState(name);
  const [renameError, setRenameError] = useState<string>();
  const id = fieldId(listPath);

  function doRename() {
    const to = rename.trim();
    if (to === name) return;
    let problem: string | undefined;
    edit((form) => {
      problem = checkListName(form, to, name);
      return problem ? form : renameChoiceList(form, name, to);
    });
    setRenameError(problem);
    if (!problem) focusLater(`${fieldId(choiceListPath(to))}-rename`);
  }

  return (
    <details
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      className="rounded-md border border-stone-300 bg-white"
    >
      {/* Folded, the summary stands in for the list: focusing a problem in it opens the list (useFocusLater). */}
      <summary id={open ? undefined : id} className="cursor-pointer px-3 py-2 font-semibold">
        <span className="font-mono">{name}</span>{' '}
        <span className="font-normal text-stone-700">
          ({t('staff.admin.builder.choiceCount', { count: choices.length })}
          {hasProblems && <span className="font-semibold text-red-700">{t('staff.admin.builder.hasProblems')}</span>})
        </span>
      </summary>
      {open && (
        <fieldset id={id} tabIndex={-1} className="space-y-4 border-t border-stone-200 p-3">
          <legend className="sr-only">{t('staff.admin.builder.choiceListName', { name })}</legend>
          <p className="text-sm text-stone-700">
            {usedBy ? (
              <>
                {t('staff.admin.builder.usedBy')} <span className="font-mono">{usedBy}</span>
              </>
            ) : (
              t('staff.admin.builder.notUsed')
            )}
          </p>
          <div>
            <label htmlFor={`${id}-rename`} className="label">
              {t('staff.admin.builder.listName')}
            </label>
            {renameError && (
              <span id={`${id}-rename-error`} role="alert" className="field-error">
                {renameError}
              </span>
            )}
            <div className="mt-1 flex flex-col gap-2 sm:flex-row">
              <input
                id={`${id}-rename`}
                type="text"
                autoComplete="off"
                spellCheck={false}
                className="input mt-0 font-mono sm:max-w-xs"
                value={rename}
                aria-invalid={renameError ? true : undefined}
                aria-describedby={renameError ? `${id}-rename-error` : undefined}
                onChange={(e) => {
                  setRename(e.target.value);
                  setRenameError(undefined);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    doRename();
                  }
                }}
              />
              <button
                type="button"
                className="btn-secondary"
                aria-disabled={rename.trim() === name || undefined}
                onClick={doRename}
              >
                {t('staff.admin.builder.renameList')}
                <span className="sr-only"> {name}</span>
              </button>
            </div>
          </div>
          <PathProblems path={listPath} />
          {choices.length > 0 && (
            <DataTable caption={t('staff.admin.builder.choicesIn', { name })}>
              <TableHead
                columns={[
                  '#',
                  t('staff.admin.builder.choiceValue'),
                  t('staff.admin.builder.choiceLabel'),
                  <span className="sr-only">{t('staff.admin.builder.actions')}</span>,
                ]}
                cellClassName="pr-2 pb-1 font-semibold first:w-10"
              />
              <tbody>
                {choices.map((choice, ci) => (
                  <tr key={ci} className="align-top">
                    <td className="pt-3 pr-2 text-stone-700 tabular-nums">{ci + 1}</td>
                    <td className="py-1 pr-2">
                      <BuilderTextField
                        path={choiceListPath(name, ci, 'name')}
                        label={t('staff.admin.builder.choiceNValue', { n: ci + 1 })}
                        hideLabel
                        mono
                        value={choice.name}
                        onChange={(value) => edit((form) => updateChoice(form, name, ci, { ...choice, name: value }))}
                      />
                    </td>
                    <td className="py-1 pr-2">
                      <BuilderTextField
                        path={choiceListPath(name, ci, 'label')}
                        label={t('staff.admin.builder.choiceNLabel', { n: ci + 1 })}
                        hideLabel
                        value={choice.label}
                        onChange={(value) => edit((form) => updateChoice(form, name, ci, { ...choice, label: value }))}
                      />
                    </td>
                    <td className="py-1">
                      <div className="flex gap-1">
                        <button
                          type="button"
                          className="min-h-11 rounded-md border border-stone-400 px-2 hover:bg-stone-100 aria-disabled:opacity-50"
                          aria-disabled={ci === 0 || undefined}
                          onClick={() => ci > 0 && edit((form) => moveChoice(form, name, ci, -1))}
                        >
                          {t('staff.admin.builder.choiceUp')}
                          <span className="sr-only"> {t('staff.admin.builder.choiceN', { n: ci + 1 })}</span>
                        </button>
                        <button
                          type="button"
                          className="min-h-11 rounded-md border border-stone-400 px-2 hover:bg-stone-100 aria-disabled:opacity-50"
                          aria-disabled={ci === choices.length - 1 || undefined}
                          onClick={() => ci < choices.length - 1 && edit((form) => moveChoice(form, name, ci, 1))}
                        >
                          {t('staff.admin.builder.choiceDown')}
                          <span className="sr-only"> {t('staff.admin.builder.choiceN', { n: ci + 1 })}</span>
                        </button>
                        <button
                          type="button"
                          className="min-h-11 rounded-md border border-red-300 px-2 text-red-800 hover:bg-red-50"
                          onClick={() => {
                            edit((form) => removeChoice(form, name, ci));
                            focusLater(`${id}-add`);
                          }}
                        >
                          {t('staff.admin.builder.remove')}
                          <span className="sr-only"> {t('staff.admin.builder.choiceN', { n: ci + 1 })}</span>
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <div className="flex flex-wrap gap-3">
            <button
              type="button"
              id={`${id}-add`}
              className="btn-secondary"
              onClick={() => {
                edit((form) => addChoice(form, name));
                focusLater(fieldId(choiceListPath(name, choices.length, 'name')));
              }}
            >
              {t('staff.admin.builder.addChoice')}
              <span className="sr-only"> {t('staff.admin.builder.toList', { name })}</span>
            </button>
            <button
              type="button"
              className="btn-secondary text-red-800"
              onClick={() => {
                edit((form) => removeChoiceList(form, name));
                focusLater('new-list-name');
              }}
            >
              {t('staff.admin.builder.removeList')}
              <span className="sr-only"> {name}</span>
            </button>
          </div>
        </fieldset>
      )}
    </details>
  );
});
