import { create } from 'zustand';

/**
 * - connecting: the first contact with the server is under way
 * - online: the server answers and live updates flow
 * - reconnecting: the server stopped answering; the console keeps retrying by itself
 * - offline: the browser says there is no network at all
 */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When the connection was lost (epoch ms), while it is. */
  lostAtMs: number | null;
  /** What went wrong last, for the banner's detail. */
  lastProblem: string | null;
  /** A call or the live stream got through. */
  markOnline(): void;
  /** A call or the live stream could not reach the server. */
  markLost(problem: string, nowMs?: number): void;
  /** The browser reports its network gone or back. */
  setBrowserOnline(online: boolean, nowMs?: number): void;
}

export const useConnection = create<ConnectionState>((set, get) => ({
  status: 'connecting',
  lostAtMs: null,
  lastProblem: null,
  markOnline: () => {
    if (get().status === 'offline') return; // the browser's word wins until it says "online"
    set({ status: 'online', lostAtMs: null, lastProblem: null });
  },
  markLost: (problem, nowMs = Date.now()) => {
    const { status, lostAtMs } = get();
    set({
      status: status === 'offline' ? 'offline' : 'reconnecting',
      lostAtMs: lostAtMs ?? nowMs,
      lastProblem: problem,
    });
  },
  setBrowserOnline: (online, nowMs = Date.now()) => {
    const { status, lostAtMs } = get();
    if (!online) set({ status: 'offline', lostAtMs: lostAtMs ?? nowMs });
    // Back on the network: still unproven until a call gets through.
    else if (status === 'offline') set({ status: 'reconnecting' });
  },
}));

/** Whether the "connection lost" banner shows. */
export function isConnectionLost(status: ConnectionStatus): boolean {
  return status === 'reconnecting' || status === 'offline';
}
