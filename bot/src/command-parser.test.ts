import { describe, expect, it } from 'vitest';
import { parseFreezeTime, parseRunwayCommand } from './command-parser';
import { parseDigestSchedule } from './digest-schedule-parser';
import {
  blastRadiusFingerprint,
  encodeExperimentValue,
  parseExperimentValue,
  parsePageValue,
} from './slack-actions';

const NOW = Date.UTC(2026, 10, 30, 19, 30);

describe('parseRunwayCommand', () => {
  it('reads every command', () => {
    const cases: Array<[string, unknown]> = [
      ['', { kind: 'help' }],
      ['HELP', { kind: 'help' }],
      ['list', { kind: 'list', states: null, label: null }],
      ['list rolled-back', { kind: 'list', states: ['rolled_back'], label: 'rolled_back' }],
      ['list active', { kind: 'list', states: ['running', 'paused'], label: 'active' }],
      ['status checkout-v2', { kind: 'status', key: 'checkout-v2' }],
      ['why checkout-v2', { kind: 'why', key: 'checkout-v2' }],
      [
        'pause checkout-v2  errors  up',
        { kind: 'pause', key: 'checkout-v2', reason: 'errors  up' },
      ],
      ['resume checkout-v2', { kind: 'resume', key: 'checkout-v2', reason: null }],
      [
        'rollback checkout-v2 p99 &gt; 2s',
        { kind: 'rollback', key: 'checkout-v2', reason: 'p99 > 2s' },
      ],
      ['approve checkout-v2', { kind: 'approve', key: 'checkout-v2', reason: null }],
      ['unfreeze', { kind: 'unfreeze', service: null }],
      ['unfreeze checkout', { kind: 'unfreeze', service: 'checkout' }],
      [
        'freeze until 2h incident',
        { kind: 'freeze', service: null, untilMs: NOW + 7_200_000, reason: 'incident' },
      ],
      [
        'freeze checkout until 2026-12-01T18:00Z code freeze',
        {
          kind: 'freeze',
          service: 'checkout',
          untilMs: Date.UTC(2026, 11, 1, 18),
          reason: 'code freeze',
        },
      ],
    ];
    for (const [text, command] of cases)
      expect(parseRunwayCommand(text, NOW), text).toEqual({ ok: true, command });
  });

  it('names the command meant when the arguments are wrong', () => {
    const cases: Array<[string, string | null, RegExp]> = [
      ['deploy everything', null, /unknown command "deploy"/],
      ['status', 'status', /needs an experiment key/],
      ['status ab cd', 'status', /one experiment key/],
      ['pause checkout-v2', 'pause', /needs a reason/],
      ['rollback CHECKOUT reason', 'rollback', /not an experiment key/],
      ['list nowhere', 'list', /unknown state/],
      ['freeze checkout 2h reason', 'freeze', /needs `until TIME`/],
      ['freeze a b until 2h reason', 'freeze', /at most one service/],
      ['freeze until 2h', 'freeze', /needs a reason/],
      ['freeze until 2025-01-01T00:00Z old', 'freeze', /not in the future/],
      ['digest daily 09:00', 'digest', /digest here/],
      ['digest here daily 9am', 'digest', /not a time of day/],
    ];
    for (const [text, name, problem] of cases) {
      const parsed = parseRunwayCommand(text, NOW);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        expect(parsed.name, text).toBe(name);
        expect(parsed.problem, text).toMatch(problem);
      }
    }
  });
});

describe('parseFreezeTime', () => {
  it('reads durations, the next UTC time of day, and ISO instants', () => {
    expect(parseFreezeTime('+90m', NOW)).toBe(NOW + 90 * 60_000);
    expect(parseFreezeTime('21:00', NOW)).toBe(Date.UTC(2026, 10, 30, 21));
    // 18:00 has passed today: the freeze runs until 18:00 tomorrow.
    expect(parseFreezeTime('18:00', NOW)).toBe(Date.UTC(2026, 11, 1, 18));
    expect(parseFreezeTime('2026-12-02T08:00', NOW)).toBe(Date.UTC(2026, 11, 2, 8));
    expect(parseFreezeTime('2026-12-02T08:00+02:00', NOW)).toBe(Date.UTC(2026, 11, 2, 6));
    expect(parseFreezeTime('soon', NOW)).toBeNull();
  });
});

describe('parseDigestSchedule', () => {
  it('turns words into cron and a zone', () => {
    expect(parseDigestSchedule('daily 09:00')).toMatchObject({
      ok: true,
      schedule: { cron: '0 9 * * *', timeZone: 'UTC' },
    });
    expect(parseDigestSchedule('weekdays 8:30 Europe/Berlin')).toMatchObject({
      ok: true,
      schedule: { cron: '30 8 * * 1-5', timeZone: 'Europe/Berlin' },
    });
    expect(parseDigestSchedule('weekly Monday 10:00')).toMatchObject({
      ok: true,
      schedule: { cron: '0 10 * * 1' },
    });
    expect(parseDigestSchedule('"0 9 * * 1-5" America/New_York')).toMatchObject({
      ok: true,
      schedule: { cron: '0 9 * * 1-5', timeZone: 'America/New_York' },
    });
    expect(parseDigestSchedule('daily 09:00 Mars/Olympus')).toMatchObject({ ok: false });
    expect(parseDigestSchedule('whenever')).toMatchObject({ ok: false });
  });
});

describe('button values', () => {
  it('round-trip, and anything else is refused', () => {
    const value = { key: 'checkout-v2', version: 7, reason: 'errors', radius: 'ab12' };
    expect(parseExperimentValue(encodeExperimentValue(value))).toEqual(value);
    expect(parseExperimentValue('{"key":"checkout-v2"}')).toBeNull();
    expect(parseExperimentValue('{"key":"../x","version":1}')).toBeNull();
    expect(parseExperimentValue('not json')).toBeNull();
    expect(parsePageValue('{"pageId":12}')).toEqual({ pageId: 12 });
    expect(parsePageValue('{"pageId":"12"}')).toBeNull();
  });

  it('keeps a long reason within Slack’s 2,000 characters', () => {
    const encoded = encodeExperimentValue({ key: 'k1', version: 1, reason: '"'.repeat(3_000) });
    expect(encoded.length).toBeLessThanOrEqual(2_000);
    expect(parseExperimentValue(encoded)?.reason).toMatch(/^"+$/);
  });

  it('fingerprints a blast radius regardless of order', () => {
    expect(blastRadiusFingerprint(['b', 'a'])).toBe(blastRadiusFingerprint(['a', 'b']));
    expect(blastRadiusFingerprint(['a'])).not.toBe(blastRadiusFingerprint(['a', 'b']));
  });
});
