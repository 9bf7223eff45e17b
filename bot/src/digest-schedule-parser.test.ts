import { describe, expect, it } from 'vitest';
import { COMMAND_USAGE, parseRunwayCommand } from './command-parser';
import { parseDigestSchedule } from './digest-schedule-parser';

const NOW = Date.UTC(2026, 10, 30, 19, 30);

describe('parseDigestSchedule: scope', () => {
  it('reads `for team NAME` and `for service NAME` after the schedule and its zone', () => {
    const cases: Array<[string, unknown]> = [
      [
        'daily 09:00 for team payments',
        { cron: '0 9 * * *', timeZone: 'UTC', scope: { kind: 'team', name: 'payments' } },
      ],
      [
        'weekdays 08:30 Europe/Berlin for service checkout',
        {
          cron: '30 8 * * 1-5',
          timeZone: 'Europe/Berlin',
          description: 'weekdays at 08:30 (Europe/Berlin)',
          scope: { kind: 'service', name: 'checkout' },
        },
      ],
      [
        '"0 9 * * 1-5" America/New_York FOR Team payments',
        {
          cron: '0 9 * * 1-5',
          timeZone: 'America/New_York',
          scope: { kind: 'team', name: 'payments' },
        },
      ],
      [
        'weekly mon 10:00 for team "Payments Core"',
        { cron: '0 10 * * 1', scope: { kind: 'team', name: 'Payments Core' } },
      ],
      // Without `for`: the whole fleet, as before.
      ['daily 09:00 Europe/Berlin', { cron: '0 9 * * *', timeZone: 'Europe/Berlin', scope: null }],
    ];
    for (const [text, schedule] of cases)
      expect(parseDigestSchedule(text), text).toEqual({
        ok: true,
        schedule: expect.objectContaining(schedule as Record<string, unknown>),
      });
  });

  it('names what is wrong with a scope', () => {
    const cases: Array<[string, string | RegExp]> = [
      [
        'daily 09:00 for',
        'say whose digest after "for": end with `for team NAME` or `for service NAME`',
      ],
      ['daily 09:00 for payments', '"payments" is not a digest scope: end with `for team NAME`'],
      ['daily 09:00 for squad payments', '"squad" is not a digest scope'],
      ['daily 09:00 for team', 'for team needs a team name, like for team payments'],
      ['daily 09:00 for service ""', 'for service needs a service name, like for service checkout'],
      [
        'daily 09:00 for team payments Europe/Berlin',
        'put the time zone before "for": digest here daily 09:00 Europe/Berlin for team payments',
      ],
      [
        'for team payments',
        'put the schedule before "for": digest here daily 09:00 for team payments',
      ],
      [`daily 09:00 for team ${'x'.repeat(101)}`, 'a team name has at most 100 characters'],
      // The schedule is still checked, and named without the scope.
      ['sometimes for team payments', /^"sometimes" is not a schedule: try daily 09:00/],
      ['daily 9am for service checkout', '"9am" is not a time of day like 09:00'],
      ['daily 09:00 Mars/Olympus for team payments', 'unknown time zone "Mars/Olympus"'],
    ];
    for (const [text, problem] of cases) {
      const parsed = parseDigestSchedule(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        if (typeof problem === 'string') expect(parsed.problem, text).toContain(problem);
        else expect(parsed.problem, text).toMatch(problem);
      }
    }
  });
});

describe('parseRunwayCommand: digest', () => {
  it('carries the scope into the command, and null for the whole fleet', () => {
    expect(parseRunwayCommand('digest here weekdays 09:00 for team payments', NOW)).toEqual({
      ok: true,
      command: {
        kind: 'digest',
        cron: '0 9 * * 1-5',
        timeZone: 'UTC',
        description: 'weekdays at 09:00 (UTC)',
        scope: { kind: 'team', name: 'payments' },
      },
    });
    expect(parseRunwayCommand('digest here daily 07:00 Europe/Berlin', NOW)).toEqual({
      ok: true,
      command: {
        kind: 'digest',
        cron: '0 7 * * *',
        timeZone: 'Europe/Berlin',
        description: 'daily at 07:00 (Europe/Berlin)',
        scope: null,
      },
    });
  });

  it('answers a bad scope with the digest usage, which shows the scoped form', () => {
    const parsed = parseRunwayCommand('digest here daily 09:00 for crew payments', NOW);
    expect(parsed).toEqual({
      ok: false,
      name: 'digest',
      problem: '"crew" is not a digest scope: end with `for team NAME` or `for service NAME`',
    });
    expect(COMMAND_USAGE.digest).toContain(
      '`/runway digest here SCHEDULE [for team|service NAME]`',
    );
    const where = parseRunwayCommand('digest there daily 09:00 for team payments', NOW);
    expect(where).toMatchObject({ ok: false, name: 'digest' });
    if (!where.ok) expect(where.problem).toContain('digest here SCHEDULE [for team|service NAME]');
  });
});
