import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { startTestServer, type TestServer } from '../support/harness';

// `runway digest set|list|remove`: the schedules `/runway digest here` sets, from a terminal,
// in the same words, through the same service (operator to change, audited).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
});

const as = (name: 'alice' | 'vic') => ({ url: server.url, token: server.tokens[name] });

describe('runway digest', () => {
  it('sets a team digest in Slack words, lists it, and removes it; each change audited', async () => {
    const set = await runCli(
      [
        'digest',
        'set',
        '#payments-releases',
        'weekdays',
        '09:00',
        'Europe/Berlin',
        'for',
        'team',
        'payments',
      ],
      as('alice'),
    );
    expect(set.stderr).toBe('');
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toMatch(
      /^digest for #payments-releases: weekdays at 09:00 \(Europe\/Berlin\), cron "0 9 \* \* 1-5", team payments; next \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in .+\); no experiments for team payments yet\n$/,
    );
    const [stored] = server.runway.digests.list({ userId: null, name: 'test', role: 'viewer' });
    expect(stored).toMatchObject({
      channel: '#payments-releases',
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Berlin',
      scope: { kind: 'team', name: 'payments' },
      createdBy: 'alice',
    });
    expect(server.runway.audit.list({ action: 'digest.schedule', limit: 1 })[0]).toMatchObject({
      actor: 'alice',
      details: { channel: '#payments-releases', scope: { kind: 'team', name: 'payments' } },
    });

    const listed = await runCli(['digest', 'list'], as('vic'));
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(
      /^CHANNEL\s+CRON\s+TIME ZONE\s+ABOUT\s+NEXT\s+SET BY$/,
    );
    expect(listed.stdout).toMatch(
      /#payments-releases\s+0 9 \* \* 1-5\s+Europe\/Berlin\s+team payments\s+/,
    );
    const json = JSON.parse((await runCli(['digest', 'list', '--json'], as('vic'))).stdout);
    expect(json.schedules).toHaveLength(1);

    const removed = await runCli(['digest', 'remove', '#payments-releases'], as('alice'));
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toBe(
      'removed the digest for #payments-releases (cron "0 9 * * 1-5", Europe/Berlin, team payments)\n',
    );
    expect(server.runway.digests.list({ userId: null, name: 'test', role: 'viewer' })).toEqual([]);
    const again = await runCli(['digest', 'remove', '#payments-releases'], as('alice'));
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('no digest is scheduled for #payments-releases');
    expect((await runCli(['digest', 'list'], as('vic'))).stdout).toContain(
      'no channel has a digest',
    );
  });

  it('refuses a viewer (1) and a schedule it cannot read (2), and stores nothing', async () => {
    const viewer = await runCli(['digest', 'set', 'C0DIGEST1', 'daily', '09:00'], as('vic'));
    expect(viewer.exitCode).toBe(1);
    expect(viewer.stderr).toMatch(/operator/);
    const unreadable = await runCli(['digest', 'set', 'C0DIGEST1', 'daily', '9am'], as('alice'));
    expect(unreadable.exitCode).toBe(2);
    expect(unreadable.stderr).toContain('"9am" is not a time of day like 09:00');
    const zone = await runCli(
      ['digest', 'set', 'C0DIGEST1', 'daily', '09:00', 'Mars/Olympus'],
      as('alice'),
    );
    expect(zone.exitCode).toBe(2);
    expect(zone.stderr).toContain('unknown time zone "Mars/Olympus"');
    expect(server.runway.digests.list({ userId: null, name: 'test', role: 'viewer' })).toEqual([]);
  });
});
