import { useEffect, useRef } from 'react';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { RunwayClient } from '../api/runway-client';
import { useConnection } from './connection-store';
import { errorCode, errorMessage } from './error-messages';

/**
 * What views hear from the live stream (queue.changes):
 * - change: one committed change, as its audit entry;
 * - resync: the stream (re)started; anything may have changed while it was down, so refetch.
 */
export type LiveChange = { kind: 'change'; entry: AuditEntryView } | { kind: 'resync' };
export type LiveChangeListener = (change: LiveChange) => void;

const listeners = new Set<LiveChangeListener>();

function publish(change: LiveChange): void {
  for (const listener of [...listeners]) listener(change);
}

/** Listens to live changes until the returned function is called. */
export function subscribeLiveChanges(listener: LiveChangeListener): () => void {
  const own: LiveChangeListener = (change) => listener(change);
  listeners.add(own);
  return () => {
    listeners.delete(own);
  };
}

/** Listens to live changes while the calling component is mounted. */
export function useLiveChanges(listener: LiveChangeListener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribeLiveChanges((change) => latest.current(change)), []);
}

/** Reconnect delays after the stream fails outright: 1 s, 2 s, 4 s … at most 15 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}

export interface LiveChangeOptions {
  /** Called when the server refuses the token: the session is over. */
  onUnauthorized(message: string): void;
  delayMs?: (attempt: number) => number;
}

/**
 * One queue.changes subscription for the whole console. tRPC's SSE link reconnects by itself
 * after a dropped connection and resumes from the last tracked event id; when the stream fails
 * outright (a refused reconnect, a proxy's error page), this resubscribes from that id with a
 * backoff. It feeds the connection store: that is how the console knows it is live.
 * Returns the function that stops it.
 */
export function connectLiveChanges(client: RunwayClient, options: LiveChangeOptions): () => void {
  const connection = useConnection.getState();
  let lastEventId: string | null = null;
  let attempt = 0;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let subscription: { unsubscribe(): void } | null = null;

  const retry = (): void => {
    subscription = null;
    if (stopped) return;
    attempt += 1;
    retryTimer = setTimeout(subscribe, (options.delayMs ?? reconnectDelayMs)(attempt));
  };

  function subscribe(): void {
    retryTimer = null;
    if (stopped) return;
    subscription = client.queue.changes.subscribe(lastEventId ? { lastEventId } : undefined, {
      onStarted: () => {
        attempt = 0;
        connection.markOnline();
        publish({ kind: 'resync' });
      },
      onData: (event) => {
        lastEventId = event.id;
        publish({ kind: 'change', entry: event.data });
      },
      onConnectionStateChange: (state) => {
        if (state.state === 'connecting' && state.error)
          connection.markLost('The live update stream was interrupted.');
      },
      onError: (error) => {
        if (errorCode(error) === 'UNAUTHORIZED') {
          stopped = true;
          options.onUnauthorized(errorMessage(error));
          return;
        }
        connection.markLost(errorMessage(error));
        retry();
      },
      onComplete: () => {
        // The server ended the stream (a restart, a deploy): pick it up again.
        if (subscription !== null) retry();
      },
    });
  }

  subscribe();
  return () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    const current = subscription;
    subscription = null;
    current?.unsubscribe();
  };
}
