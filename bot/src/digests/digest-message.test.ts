import { describe, expect, it } from 'vitest';
import { buildDigestMessage, type DigestData } from './digest-message';

const SLOT = Date.UTC(2026, 11, 1, 8);

function data(overrides: Partial<DigestData> = {}): DigestData {
  return {
    slotAtMs: SLOT,
    sinceMs: SLOT - 86_400_000,
    timeZone: 'Europe/Berlin',
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
});
