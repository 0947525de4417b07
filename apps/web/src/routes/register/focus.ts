/** Focus a rendered question's control: its chosen option, else its first control. */
export function focusQuestionField(name: string, root: ParentNode = document): boolean {
  const wrap = root.querySelector(`[data-question="${CSS.escape(name)}"]`);
  const target =
    wrap?.querySelector<HTMLElement>('input:checked') ??
    wrap?.querySelector<HTMLElement>('input:not([type="hidden"]), select, textarea, button');
  if (!target) return false;
  target.focus();
  return true;
}
