import { useEffect, useState } from 'react';
import { runwayClient } from '../api/runway-client';
import { useSession } from '../api/session-store';
import { useConnection } from './connection-store';
import { errorCode, errorMessage, isConnectionError } from './error-messages';
import { reconnectDelayMs } from './live-changes';

export type WhoamiStatus =
  { kind: 'checking' } | { kind: 'signed_in' } | { kind: 'failed'; message: string };

/**
 * Asks the server who the token belongs to (auth.whoami) whenever the token changes. A refused
 * token ends the session (`onRefused`); an unreachable server is retried until it answers.
 */
export function useWhoami(
  token: string | null,
  onRefused: (message: string) => void,
): WhoamiStatus {
  const [status, setStatus] = useState<WhoamiStatus>({ kind: 'checking' });
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    setStatus({ kind: 'checking' });
    const ask = (): void => {
      runwayClient()
        .auth.whoami.query()
        .then((user) => {
          if (cancelled) return;
          useConnection.getState().markOnline();
          useSession.getState().setUser(user);
          setStatus({ kind: 'signed_in' });
        })
        .catch((error: unknown) => {
          if (cancelled) return;
          if (errorCode(error) === 'UNAUTHORIZED') return onRefused(errorMessage(error));
          if (isConnectionError(error)) {
            useConnection.getState().markLost(errorMessage(error));
            attempt += 1;
            timer = setTimeout(ask, reconnectDelayMs(attempt));
            return;
          }
          setStatus({ kind: 'failed', message: errorMessage(error) });
        });
    };
    ask();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [token, onRefused]);
  return status;
}
