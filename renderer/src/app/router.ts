import { create } from 'zustand';

export interface LocationState {
  /** The current path (no search, no hash). */
  path: string;
  /** Shows `path` and adds it to the history (the back button returns). */
  navigate(path: string, options?: { replace?: boolean }): void;
}

function currentPath(): string {
  return typeof window === 'undefined' ? '/' : window.location.pathname;
}

/**
 * The address bar as client state (CONVENTIONS §9). Paths only: the hash carries the token
 * (DESIGN §6) and is cleared by the session store, so routing never reads it.
 */
export const useLocation = create<LocationState>((set, get) => ({
  path: currentPath(),
  navigate: (path, options = {}) => {
    if (typeof window !== 'undefined') {
      if (options.replace) window.history.replaceState(null, '', path);
      else if (path !== get().path) window.history.pushState(null, '', path);
    }
    set({ path: new URL(path, 'http://console.local').pathname });
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => useLocation.setState({ path: currentPath() }));
}

export function navigate(path: string, options?: { replace?: boolean }): void {
  useLocation.getState().navigate(path, options);
}
