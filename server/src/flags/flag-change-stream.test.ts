import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagChangeEvent } from '../../../shared/src/api-types';
import type { Role } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import { ManualClock } from '../clock';
import { createRunway, type Runway } from '../runway';
import { streamFlagChanges } from './flag-change-stream';

let dir: string;
let runway: Runway;
let alice: Actor;
let vic: Actor;

function actorFor(name: string, role: Role): Actor {
  const setup: Actor = { userId: null, name: 'setup', role: 'admin' };
  return runway.auth.authenticate(runway.auth.createToken({ name, role }, setup).token)!;
}

function spec(key: string): Record<string, unknown> {
  return {
    key,
    title: key,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 20, hold: '10m' }],
  };
}

const version = (key: string): number => runway.experiments.get(key, alice).version;
const pause = (key: string): unknown =>
  runway.experiments.pause(key, version(key), 'looking', alice);
const resume = (key: string): unknown => runway.experiments.resume(key, version(key), null, alice);
const headSeq = (): number =>
  runway.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_log').pluck().get() as number;
const brief = (change: FlagChangeEvent): string =>
  `${change.key}:${change.state}@${change.version}`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-flag-stream-'));
  runway = createRunway({
    dbPath: join(dir, 'runway.db'),
    clock: new ManualClock(Date.parse('2026-11-22T09:00:00Z')),
  });
  alice = actorFor('alice', 'operator');
  vic = actorFor('vic', 'viewer');
  runway.experiments.enqueue({ specs: [spec('one'), spec('two')] }, alice);
});
afterEach(() => {
  runway.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FlagService.changesSince', () => {
  it('reads the log a page at a time without losing or repeating a change', () => {
    const from = headSeq();
    runway.scheduler.tick();
    for (let round = 0; round < 3; round++) {
      pause('one');
      resume('one');
    }
    const all = [...runway.flags.changesSince(from, vic)].map(brief);
    expect([...runway.flags.changesSince(from, vic, 2)].map(brief)).toEqual(all);
    expect(all).toEqual([
      'one:running@2',
      'two:running@2',
      'one:paused@3',
      'one:running@4',
      'one:paused@5',
      'one:running@6',
      'one:paused@7',
      'one:running@8',
    ]);
  });
});

describe('streamFlagChanges', () => {
  // Page size 1: the replay itself reads the change committed during it, which the feed also
  // delivered; page size 500: only the feed has it.
  it.each([1, 500])(
    'sends a change committed during the replay once (replay pages of %i)',
    async (pageSize) => {
      const from = headSeq();
      runway.scheduler.tick();
      const abort = new AbortController();
      const stream = streamFlagChanges({
        feed: runway.feed,
        flags: {
          changesSince: (afterSeq, actor) => runway.flags.changesSince(afterSeq, actor, pageSize),
          changesOf: (rows) => runway.flags.changesOf(rows),
        },
        actor: vic,
        lastEventId: String(from),
        signal: abort.signal,
      });
      const received: string[] = [];
      const first = await stream.next();
      received.push(brief(first.value as FlagChangeEvent));
      // Committed (and published) while the replay is between two events.
      pause('one');
      for (let count = 0; count < 2; count++) {
        received.push(brief((await stream.next()).value as FlagChangeEvent));
      }
      expect(received).toEqual(['one:running@2', 'two:running@2', 'one:paused@3']);
      resume('one');
      expect(brief((await stream.next()).value as FlagChangeEvent)).toBe('one:running@4');

      const ended = stream.next();
      abort.abort();
      expect(await ended).toEqual({ done: true, value: undefined });
    },
  );

  it('narrows to the keys asked for', async () => {
    runway.scheduler.tick();
    const stream = streamFlagChanges({
      feed: runway.feed,
      flags: runway.flags,
      actor: vic,
      keys: ['two'],
    });
    const next = stream.next();
    pause('one');
    pause('two');
    expect(brief((await next).value as FlagChangeEvent)).toBe('two:paused@3');
    await stream.return(undefined);
  });
});
