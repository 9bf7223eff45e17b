import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { runwayClient } from '../api/runway-client';
import { useSession } from '../api/session-store';
import { ConnectionBanner, useBrowserNetworkEvents } from './connection-banner';
import { connectLiveChanges } from './live-changes';
import { NavBar } from './nav-bar';
import { RouteOutlet } from './route-outlet';
import { SignIn } from './sign-in';
import { useWhoami } from './use-whoami';

// Alerts, notifications and Electron's chrome: loaded beside the views rather than before them
// (with the desktop bridge's schemas, it was a tenth of the code the console ran at start-up).
const DesktopShell = lazy(() =>
  import('../desktop/desktop-shell').then((module) => ({ default: module.DesktopShell })),
);

/** The console: sign-in until the server accepts a token, then the navigation and the views. */
export function App() {
  const token = useSession((state) => state.token);
  const user = useSession((state) => state.user);
  const setToken = useSession((state) => state.setToken);
  const [refusal, setRefusal] = useState<string | null>(null);
  useBrowserNetworkEvents();

  const refuse = useCallback(
    (message: string) => {
      setRefusal(message);
      setToken(null);
    },
    [setToken],
  );
  const whoami = useWhoami(token, refuse);

  if (!token) {
    return (
      <SignIn
        problem={refusal}
        onSignIn={(pasted) => {
          setRefusal(null);
          setToken(pasted);
        }}
      />
    );
  }
  if (!user) {
    return (
      <div className="app app--checking">
        <ConnectionBanner />
        <main className="view">
          <p className="hint" role="status">
            {whoami.kind === 'failed' ? whoami.message : 'Signing in…'}
          </p>
        </main>
      </div>
    );
  }
  return (
    <div className="app">
      <NavBar user={user} onSignOut={() => setToken(null)} />
      <ConnectionBanner />
      <LiveChangesConnection token={token} onUnauthorized={refuse} />
      <Suspense fallback={null}>
        <DesktopShell />
      </Suspense>
      <main className="app__main">
        <RouteOutlet />
      </main>
    </div>
  );
}

/** Keeps the one live-update stream open while signed in (see connectLiveChanges). */
function LiveChangesConnection({
  token,
  onUnauthorized,
}: {
  token: string;
  onUnauthorized(message: string): void;
}) {
  useEffect(
    () => connectLiveChanges(runwayClient(), { onUnauthorized }),
    // A new token is a new session: a new stream with its credentials.
    [token, onUnauthorized],
  );
  return null;
}
