import { beforeEach, describe, expect, it } from 'vitest';
import { isConnectionLost, useConnection } from './connection-store';

beforeEach(() => {
  useConnection.setState({ status: 'connecting', lostAtMs: null, lastProblem: null });
});

describe('the connection store', () => {
  it('goes online, loses the server, and recovers by itself', () => {
    const connection = () => useConnection.getState();
    connection().markOnline();
    expect(connection().status).toBe('online');
    connection().markLost('The live update stream was interrupted.', 1_000);
    connection().markLost('still down', 5_000);
    expect(connection()).toMatchObject({
      status: 'reconnecting',
      lostAtMs: 1_000,
      lastProblem: 'still down',
    });
    expect(isConnectionLost(connection().status)).toBe(true);
    connection().markOnline();
    expect(connection()).toMatchObject({ status: 'online', lostAtMs: null, lastProblem: null });
    expect(isConnectionLost(connection().status)).toBe(false);
  });

  it('stays offline while the browser says so, then reconnects once a call gets through', () => {
    const connection = () => useConnection.getState();
    connection().markOnline();
    connection().setBrowserOnline(false, 2_000);
    expect(connection()).toMatchObject({ status: 'offline', lostAtMs: 2_000 });
    connection().markLost('fetch failed');
    connection().markOnline(); // a stale success does not override the browser's word
    expect(connection().status).toBe('offline');
    connection().setBrowserOnline(true);
    expect(connection().status).toBe('reconnecting');
    connection().markOnline();
    expect(connection().status).toBe('online');
  });

  it('does not show a lost connection while the first contact is under way', () => {
    expect(isConnectionLost('connecting')).toBe(false);
  });
});
