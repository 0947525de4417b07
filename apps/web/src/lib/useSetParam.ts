import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Sets (or, with an empty value, removes) one search parameter, keeping the others: filters that
 * live in the URL. Each call is a history entry unless `replace` (typing in a search box).
 */
export function useSetParam() {
  const [, setParams] = useSearchParams();
  return useCallback(
    (key: string, value: string, options: { replace?: boolean } = {}) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      }, options),
    [setParams],
  );
}
