import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Locale, Role, SessionResponse, SessionUser } from '@oslrs/core';
import { currentCsrfToken, isApiError, setCsrfToken } from '../api/client';
import { auth, queryKeys } from '../api/endpoints';
import { chosenOnThisPage, onLocaleChosen, storedLocale, useLocale } from '../i18n';

interface AuthState {
  /** undefined while the session is being checked, null when signed out. */
  user: SessionUser | null | undefined;
  /** The session check itself failed (network, server): not the same as "signed out". */
  error: unknown;
  retry: () => void;
  signedIn: (user: SessionUser, csrfToken: string) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

// The last session this browser confirmed, so field staff can reopen the app offline. Only the
// user and the CSRF token: the session itself stays in its httpOnly cookie, and a 401 forgets both.
const SESSION_KEY = 'oslrs.session';

function remember(session: SessionResponse | null) {
  try {
    if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage refused (private mode, full): the app then needs the network to start.
  }
}

function remembered(): SessionResponse | null {
  try {
    const session = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as SessionResponse | null;
    return session?.user && typeof session.csrfToken === 'string' ? session : null;
  } catch {
    return null;
  }
}

async function fetchSession(): Promise<SessionUser | null> {
  try {
    // 200 either way: `{ user: null }` is the signed-out state, not an error in the console.
    const session = await auth.session();
    if (!session.user) {
      setCsrfToken(null);
      remember(null);
      return null;
    }
    setCsrfToken(session.csrfToken);
    remember(session);
    return session.user;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      remember(null);
      return null;
    }
    // The registry could not be asked (offline, server down): carry on as the last signed-in person.
    const last = remembered();
    if (last) {
      setCsrfToken(last.csrfToken);
      return last.user;
    }
    throw error;
  }
}

/** Who is signed in (GET /auth/session); main.tsx fetches it ahead for a prerendered page's first render. */
export const sessionQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: fetchSession,
  staleTime: 5 * 60_000,
  retry: 1,
  // Run even when the browser says it is offline: fetchSession then answers from the last session.
  networkMode: 'offlineFirst',
});

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery);

  const signedIn = useCallback(
    (user: SessionUser, csrfToken: string) => {
      setCsrfToken(csrfToken);
      remember({ user, csrfToken });
      queryClient.setQueryData(queryKeys.me, user);
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await auth.logout();
    } catch {
      // Already signed out on the server (expired session) or offline: forget the session here anyway.
    }
    setCsrfToken(null);
    remember(null);
    // Drop every cached read that belonged to the signed-in user before marking the session empty.
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me[0] });
    queryClient.setQueryData(queryKeys.me, null);
  }, [queryClient]);

  const { refetch } = session;
  const retry = useCallback(() => void refetch(), [refetch]);

  useAccountLocale(session.data, queryClient);

  const value = useMemo<AuthState>(
    () => ({
      user: session.data,
      error: session.data === undefined ? session.error : null,
      retry,
      signedIn,
      signOut,
    }),
    [session.data, session.error, retry, signedIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Saves the language on the account and refreshes the session copy that carries it. */
async function saveAccountLocale(locale: Locale, queryClient: QueryClient): Promise<void> {
  try {
    const { user } = await auth.setLocale(locale);
    queryClient.setQueryData(queryKeys.me, user);
    const csrfToken = currentCsrfToken();
    if (csrfToken) remember({ user, csrfToken });
  } catch {
    // Offline or the session just ended: the device keeps the choice; the account learns it next time.
  }
}

/**
 * The language follows the account: at sign-in the account's language is shown (a fresh device too);
 * an account that never chose one takes the device's choice; the switch's choices are saved to it (one
 * made on this page before the session was known included).
 */
function useAccountLocale(user: SessionUser | null | undefined, queryClient: QueryClient) {
  const { locale, setLocale } = useLocale();
  const id = user?.id;
  const accountLocale = user?.locale;
  useEffect(() => {
    if (!id) return;
    // A choice made on this page before the session answered (or before signing in) is the newest: it wins.
    const chosen = chosenOnThisPage();
    if (chosen && chosen !== accountLocale) {
      void saveAccountLocale(chosen, queryClient);
    } else if (accountLocale) {
      if (accountLocale !== locale) void setLocale(accountLocale);
    } else {
      const device = storedLocale();
      if (device) void saveAccountLocale(device, queryClient);
    }
    // Only when the person (or their account's language) changes: not on every switch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, accountLocale]);
  useEffect(() => {
    if (!id) return;
    return onLocaleChosen((next) => void saveAccountLocale(next, queryClient));
  }, [id, queryClient]);
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth must be used inside <AuthProvider>');
  return state;
}

/**
 * Where a signed-in person lands: where their work is. The verification queue and the registry are
 * built beside this (issue 10): their routes are fixed here so every role has one home.
 */
export const HOME_BY_ROLE: Record<Role, string> = {
  super_admin: '/admin',
  supervisor: '/team',
  enumerator: '/collect',
  data_entry_clerk: '/clerk',
  verification_assessor: '/verification',
  government_official: '/reports',
  public_user: '/app',
  searcher: '/marketplace',
};

export function homeFor(user: Pick<SessionUser, 'role'>): string {
  return HOME_BY_ROLE[user.role] ?? '/app';
}

/** The signed-in person where there is a session around (undefined outside <AuthProvider> or while checking). */
export function useOptionalUser(): SessionUser | null | undefined {
  return useContext(AuthContext)?.user;
}
