/**
 * The words for a stored value (a status, a channel, an audit action) from the catalogue:
 * `<prefix>.<value>`, else the value itself made readable (a value the catalogue does not know yet
 * is shown, not hidden behind its id).
 */
export function labelOf(t: (id: string) => string, prefix: string, value: string): string {
  const id = `${prefix}.${value}`;
  const text = t(id);
  return text && text !== id ? text : value.replace(/_/g, ' ');
}
