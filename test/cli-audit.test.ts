import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pastTimeOption } from '../server/src/cli/commands/audit-command';
import type { ManualClock } from '../server/src/clock';
import { makeSpec, startTestServer, type TestServer } from './support/harness';
import { runCli } from './support/run-cli';
import { SCENARIO_START_MS, scenarioClock } from './support/scenario';

// `runway audit --since/--until`, as someone answering "what changed between 09:10 and 09:30?"
// would run it: a real server on a driven clock, the CLI as its own process.

const MINUTE = 60_000;
let server: TestServer;
let clock: ManualClock;
let viewer: { url: string; token: string };

interface Entries {
  entries: Array<{ seq: number; at: number; action: string; experimentKey: string | null }>;
}

beforeAll(async () => {
  clock = scenarioClock();
  server = await startTestServer({ clock });
  viewer = { url: server.url, token: server.tokens.vic };
  const alice = server.client(server.tokens.alice);
  const bob = server.client(server.tokens.bob);
  // 09:00 enqueue; 09:05 start; 09:15 pause; 09:30 resume.
  await alice.experiments.enqueue.mutate({ specs: [makeSpec('audit-range')] });
  clock.set(SCENARIO_START_MS + 5 * MINUTE);
  await bob.scheduler.tick.mutate();
  clock.set(SCENARIO_START_MS + 15 * MINUTE);
  const { version } = await alice.experiments.get.query({ key: 'audit-range' });
  const paused = await alice.experiments.pause.mutate({
    key: 'audit-range',
    expectedVersion: version,
    reason: 'checking a spike',
  });
  clock.set(SCENARIO_START_MS + 30 * MINUTE);
  await alice.experiments.resume.mutate({
    key: 'audit-range',
    expectedVersion: paused.changed[0]!.version,
  });
});
afterAll(async () => {
  await server.stop();
});

describe('runway audit with a time range', () => {
  it('lists only the entries in [--since, --until), oldest first', async () => {
    const result = await runCli(
      [
        'audit',
        '--experiment',
        'audit-range',
        '--since',
        '2026-11-22T09:05Z',
        '--until',
        '2026-11-22T09:30Z',
        '--json',
      ],
      viewer,
    );
    expect(result.exitCode).toBe(0);
    const { entries } = JSON.parse(result.stdout) as Entries;
    expect(entries.map((entry) => entry.action)).toEqual(['experiment.start', 'experiment.pause']);
    expect(entries[0]!.at).toBe(SCENARIO_START_MS + 5 * MINUTE);

    const human = await runCli(
      ['audit', '--experiment', 'audit-range', '--since', '2026-11-22 09:30'],
      viewer,
    );
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('experiment.resume');
    expect(human.stdout).not.toContain('experiment.pause');
  });

  it('refuses a range that ends before it starts (1) and a time it cannot read (2)', async () => {
    const [backwards, unreadable] = await Promise.all([
      runCli(['audit', '--since', '2026-11-22T10:00Z', '--until', '2026-11-22T09:00Z'], viewer),
      runCli(['audit', '--since', 'yesterday-ish'], viewer),
    ]);
    expect(backwards.exitCode).toBe(1);
    expect(backwards.stderr).toContain('untilMs must be after sinceMs');
    expect(unreadable.exitCode).toBe(2);
    expect(unreadable.stderr).toContain('expected an ISO 8601 time');
  });

  it('reads a bare duration as that long ago', () => {
    const nowMs = SCENARIO_START_MS;
    expect(pastTimeOption('2h')(nowMs)).toBe(nowMs - 2 * 3_600_000);
    expect(pastTimeOption('1d12h')(nowMs)).toBe(nowMs - 36 * 3_600_000);
    expect(pastTimeOption('2026-11-22T08:00Z')(nowMs)).toBe(nowMs - 3_600_000);
  });
});
