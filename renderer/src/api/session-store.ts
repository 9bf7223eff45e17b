import { create } from 'zustand';
import type { Role } from '../../../shared/src/roles';
import { takeTokenFromFragment } from '../token-fragment';

const TOKEN_KEY = 'runway.token';

export interface SessionState {
  /** The bearer token, from the URL fragment (then kept in localStorage) or typed in. */
  token: string | null;
  /** Who the token belongs to, once the server said (auth.whoami). */
  user: { name: string; role: Role } | null;
  setToken(token: string | null): void;
  setUser(user: { name: string; role: Role } | null): void;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (private mode, file://): the token lives in memory only
  }
}

/**
 * Reads `#token=…` once at start-up, keeps it, and clears it from the address bar so it is not
 * bookmarked, shared or left in the history.
 */
export function initialToken(
  location: Pick<Location, 'hash' | 'pathname' | 'search'> | null,
): string | null {
  const stored = storage()?.getItem(TOKEN_KEY) ?? null;
  if (!location) return stored;
  const { token, remainingHash } = takeTokenFromFragment(location.hash);
  if (!token) return stored;
  storage()?.setItem(TOKEN_KEY, token);
  if (typeof history !== 'undefined') {
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${remainingHash}`,
    );
  }
  return token;
}

export const useSession = create<SessionState>((set) => ({
  token: initialToken(typeof window === 'undefined' ? null : window.location),
  user: null,
  setToken: (token) => {
    if (token) storage()?.setItem(TOKEN_KEY, token);
    else storage()?.removeItem(TOKEN_KEY);
    set({ token, user: null });
  },
  setUser: (user) => set({ user }),
}));
