import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Me } from '../../src/entrypoints/http/schemas/accounts.ts';
import type { BrowserSession } from '../../src/entrypoints/http/schemas/browser-session.ts';
import { api, setCsrfToken } from './api.ts';

interface SessionState {
  /** Undefined while the first answer is on its way; null when nobody is signed in. */
  me: Me | null | undefined;
  /** Takes a session answer (sign-in, register) as the current one. */
  accept(session: BrowserSession): void;
  /** Asks the server again (after a change of teams, say). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const accept = useCallback((session: BrowserSession) => {
    setCsrfToken(session.csrfToken);
    setMe(session.me);
  }, []);
  const refresh = useCallback(async () => {
    try {
      accept(await api.session());
    } catch {
      accept({ me: null, csrfToken: null });
    }
  }, [accept]);
  const signOut = useCallback(async () => {
    await api.signOut();
    accept({ me: null, csrfToken: null });
  }, [accept]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const value = useMemo(() => ({ me, accept, refresh, signOut }), [me, accept, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/**
 * Who the page loads data for: undefined until the session is known, then the user's id or 'anonymous'. Data that
 * depends on the reader waits for it (see `whenKnown`), so it is fetched once, and again when someone signs in or out.
 */
export function useReader(): string | undefined {
  const { me } = useSession();
  return me === undefined ? undefined : (me?.user.id ?? 'anonymous');
}

/** Runs `load` once the reader is known; until then the answer is pending. */
export function whenKnown<T>(reader: string | undefined, load: () => Promise<T>): Promise<T> {
  return reader === undefined ? new Promise<T>(() => {}) : load();
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
