import { describe, expect, it } from 'vitest';
import { buildDigestMessage, type DigestData } from './digest-message';

const SLOT = Date.UTC(2026, 11, 1, 8);

function data(overrides: Partial<DigestData> = {}): DigestData {
  return {
    slotAtMs: SLOT,
    sinceMs: SLOT - 86_400_000,
    timeZone: 'Europe/Berlin',
    scope: null,
    started: [],
    ramped: [],
    completed: [],
    paused: [],
    rolledBack: [],
    waiting: [],
    budgets: [],
    openPages: [],
    counts: { running: 0, paused: 0, queued: 0 },
    consoleBaseUrl: 'https://runway.example.com',
    ...overrides,
  };
}

const text = (digest: DigestData): string => JSON.stringify(buildDigestMessage(digest).blocks);

describe('buildDigestMessage', () => {
  it('says plainly when nothing happened', () => {
    const message = buildDigestMessage(data());
    expect(message.text).toBe('Runway digest: 0 changes, 0 waiting, 0 open pages');
    const body = JSON.stringify(message.blocks);
    expect(body).toContain('Nothing started, ramped, completed, paused or rolled back');
    expect(body).toContain('Nothing is waiting to start.');
    expect(body).toContain('None: every page has been acknowledged.');
    expect(body).toContain('No service has an SLO defined.');
  });

  it('lists changes, reasons and budgets, escaping what people typed', () => {
    const body = text(
      data({
        rolledBack: [
          {
            key: 'checkout-v2',
            atMs: SLOT - 3_600_000,
            actor: 'runway:guardrails',
            detail: 'errors <5%> & up',
          },
        ],
        waiting: [
          {
            key: 'search-rerank',
            state: 'pending_approval',
            reasons: ['awaiting approval', 'requires checkout-v2 (rolled_back)'],
          },
        ],
        budgets: [
          { service: 'checkout', remainingFraction: 0.031, burnRate: 4.2, blocking: true },
          { service: 'search', remainingFraction: null, burnRate: null, blocking: false },
        ],
      }),
    );
    expect(body).toContain(
      '*:rewind: Rolled back* (1)\\n• `checkout-v2`: errors &lt;5%&gt; &amp; up (runway:guardrails',
    );
    expect(body).toContain(
      '`search-rerank` (pending approval): awaiting approval; requires checkout-v2 (rolled_back)',
    );
    expect(body).toContain(
      '`checkout`: 3.1% left, burning 4.2x :no_entry: holding its experiments back',
    );
    expect(body).toContain('`search`: not measured yet');
  });

  it('cuts long lists with a count of the rest', () => {
    const started = Array.from({ length: 13 }, (_, i) => ({
      key: `exp-${i}`,
      atMs: SLOT - 1000 * i,
      actor: 'runway:scheduler',
      detail: null,
    }));
    const body = text(data({ started }));
    expect(body).toContain('*:rocket: Started* (13)');
    expect(body).toContain('`exp-9`');
    expect(body).not.toContain('`exp-10`');
    expect(body).toContain('…and 3 more');
  });

  it("names a scoped digest's team or service in its heading, its summary and its empty sections", () => {
    const team = buildDigestMessage(data({ scope: { kind: 'team', name: 'payments' } }));
    expect(team.text).toBe('Runway digest (team payments): 0 changes, 0 waiting, 0 open pages');
    const teamBody = JSON.stringify(team.blocks);
    expect(teamBody).toContain(':newspaper: *Runway digest: team payments* for <!date^');
    expect(teamBody).toContain(
      'Nothing of team payments started, ramped, completed, paused or rolled back',
    );
    expect(teamBody).toContain('Nothing of team payments is waiting to start.');
    expect(teamBody).toContain('None: every page of team payments has been acknowledged.');
    // Budgets are per service: a team's digest says whose services it shows.
    expect(teamBody).toContain(
      '*:moneybag: Error budgets* of the services where team payments has waiting, active or changed experiments\\nNone of them has an SLO defined.',
    );

    const service = text(
      data({
        scope: { kind: 'service', name: 'checkout' },
        budgets: [{ service: 'checkout', remainingFraction: 0.5, burnRate: 1, blocking: false }],
      }),
    );
    expect(service).toContain('*Runway digest: service checkout* for <!date^');
    expect(service).toContain(
      '*:moneybag: Error budgets*\\n• `checkout`: 50.0% left, burning 1.0x',
    );
    expect(text(data({ scope: { kind: 'service', name: 'ledger' } }))).toContain(
      'Service `ledger` has no SLO defined.',
    );

    // The whole fleet's digest reads as it always did.
    const fleet = text(data());
    expect(fleet).toContain(':newspaper: *Runway digest* for <!date^');
    expect(fleet).not.toContain(' of team ');
  });

  it('escapes a scope name people typed', () => {
    const message = buildDigestMessage(data({ scope: { kind: 'team', name: 'a<b>&c' } }));
    expect(JSON.stringify(message.blocks)).toContain('*Runway digest: team a&lt;b&gt;&amp;c*');
  });
});
