import { useEffect } from 'react';
import { isConnectionLost, useConnection } from './connection-store';

/** Follows the browser's own online/offline events. */
export function useBrowserNetworkEvents(): void {
  const setBrowserOnline = useConnection((state) => state.setBrowserOnline);
  useEffect(() => {
    const online = (): void => setBrowserOnline(true);
    const offline = (): void => setBrowserOnline(false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }, [setBrowserOnline]);
}

/** A banner while the server cannot be reached; it goes away by itself once it can. */
export function ConnectionBanner() {
  const status = useConnection((state) => state.status);
  const lastProblem = useConnection((state) => state.lastProblem);
  if (!isConnectionLost(status)) return null;
  return (
    <div
      className="connection-banner"
      role="status"
      aria-live="polite"
      data-testid="connection-banner"
    >
      <strong>
        {status === 'offline'
          ? 'You are offline — reconnecting when the network is back…'
          : 'Connection lost — reconnecting…'}
      </strong>
      {lastProblem ? <span className="connection-banner__detail">{lastProblem}</span> : null}
      <span className="connection-banner__detail">What you see may be out of date until then.</span>
    </div>
  );
}
