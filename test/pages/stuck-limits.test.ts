import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../server/src/clock';
import { ConfigError, loadServerConfig } from '../../server/src/config/config';
import { DEFAULT_STUCK_LIMITS } from '../../server/src/pages/stuck-detector';
import { startTestServer, type TestServer } from '../support/harness';
import { enqueueAndStart, scenarioClock } from '../support/scenario';

// The limits after which a stuck experiment pages its owner are the operator's to set, from the
// server's environment, as durations.

const MINUTE = 60_000;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('stuck limits from the environment', () => {
  it('defaults to 1h paused, 1d awaiting approval and 1h past a hold', () => {
    expect(loadServerConfig({}).stuckLimits).toEqual(DEFAULT_STUCK_LIMITS);
    expect(DEFAULT_STUCK_LIMITS).toEqual({
      pausedMs: 60 * MINUTE,
      pendingApprovalMs: 24 * 60 * MINUTE,
      rampOverdueMs: 60 * MINUTE,
    });
  });

  it('reads each limit as a duration', () => {
    const config = loadServerConfig({
      RUNWAY_STUCK_PAUSED: '20m',
      RUNWAY_STUCK_PENDING_APPROVAL: '4h',
      RUNWAY_STUCK_RAMP_OVERDUE: '1h30m',
    });
    expect(config.stuckLimits).toEqual({
      pausedMs: 20 * MINUTE,
      pendingApprovalMs: 4 * 60 * MINUTE,
      rampOverdueMs: 90 * MINUTE,
    });
  });

  it('refuses a limit it cannot read or that is out of range, naming the variable', () => {
    const refusal = (env: NodeJS.ProcessEnv): string => {
      try {
        loadServerConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(refusal({ RUNWAY_STUCK_PAUSED: 'an hour' })).toBe(
      'invalid environment:\n  RUNWAY_STUCK_PAUSED: must be a duration from 1m to 30d such as 45m, 2h or 1d (got "an hour")',
    );
    expect(refusal({ RUNWAY_STUCK_RAMP_OVERDUE: '30s' })).toContain(
      'RUNWAY_STUCK_RAMP_OVERDUE: must be a duration from 1m to 30d',
    );
    expect(refusal({ RUNWAY_STUCK_PENDING_APPROVAL: '31d' })).toContain(
      'RUNWAY_STUCK_PENDING_APPROVAL: must be a duration from 1m to 30d',
    );
  });

  it('pages a pause after the configured limit, not the default', async () => {
    const clock: ManualClock = scenarioClock();
    server = await startTestServer({ clock, env: { RUNWAY_STUCK_PAUSED: '10m' } });
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    const version = await enqueueAndStart(alice, bob, 'checkout-v2');
    await alice.experiments.pause.mutate({
      key: 'checkout-v2',
      expectedVersion: version,
      reason: 'looking',
    });

    clock.advance(10 * MINUTE - 1);
    expect(server.runway.stuck.check()).toEqual([]);
    clock.advance(1);
    expect(server.runway.stuck.check()).toHaveLength(1);
    const [page] = server.runway.pages.list(
      { userId: null, name: 'test', role: 'viewer' },
      { limit: 10 },
    );
    expect(page).toMatchObject({
      kind: 'stuck',
      experimentKey: 'checkout-v2',
      summary: 'paused for 10m (limit 10m)',
    });
  });
});
