import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Focus that must wait for the next render (a new question's Name field, a problem's field): the
 * first of the given element ids that exists then takes the focus, inside folded lists too.
 */
export function useFocusLater(): (...ids: string[]) => void {
  const pendingFocus = useRef<string[] | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const focusLater = useCallback((...ids: string[]) => {
    pendingFocus.current = ids;
    setFocusRequest((n) => n + 1);
  }, []);
  useEffect(() => {
    const ids = pendingFocus.current;
    if (!ids) return;
    pendingFocus.current = null;
    for (const candidate of ids) {
      const element = document.getElementById(candidate);
      if (!element) continue;
      // A folded choice list opens to show the field.
      for (let d = element.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
      element.focus();
      element.scrollIntoView({ block: 'center' });
      return;
    }
  }, [focusRequest]);
  return focusLater;
}
