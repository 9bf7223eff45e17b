import { describe, expect, it } from 'vitest';
import type { Block } from '../block-kit';
import { parseExperimentValue, parsePageValue, SLACK_ACTION_IDS } from '../slack-actions';
import { buildPageMessage, type PageMessageInput } from './page-message';

const RAISED_MS = Date.UTC(2026, 10, 30, 9, 0, 0);

function input(overrides: Partial<PageMessageInput> = {}): PageMessageInput {
  return {
    audience: 'owner',
    page: {
      id: 7,
      kind: 'guardrail',
      summary: 'guardrail error_rate failed: estimate 0.1000 vs max 0.02',
      raisedAtMs: RAISED_MS,
      acknowledgedAtMs: null,
      acknowledgedBy: null,
    },
    experiment: {
      key: 'checkout-v2',
      title: 'New <checkout> & flow',
      state: 'running',
      version: 4,
      stageIndex: 1,
      stageCount: 3,
      exposurePercent: 25,
      team: 'payments',
      service: 'checkout',
    },
    experimentKey: 'checkout-v2',
    evidence: {
      kind: 'guardrail',
      key: 'checkout-v2',
      action: 'page',
      sli: 'error_rate',
      rule: 'max 0.02',
      estimate: 0.1,
      interval: [0.0933, 0.1072],
      limit: 0.02,
      statistic: 2558,
      threshold: 2.996,
      samples: { treatment: 20_000, control: 19_500 },
      test: 'above max 0.02',
    },
    cascade: null,
    escalation: null,
    owner: '<@U0ALICE>',
    consoleBaseUrl: 'https://runway.example.com/',
    ...overrides,
  };
}

type Button = { action_id: string; value?: string; url?: string };

function buttons(blocks: readonly Block[]): Button[] {
  return blocks.flatMap((block) =>
    block.type === 'actions' ? (block.elements as unknown as Button[]) : [],
  );
}

const text = (blocks: readonly Block[]): string => JSON.stringify(blocks);

describe('buildPageMessage', () => {
  it('carries the evidence, the owner, the state and both console links', () => {
    const message = buildPageMessage(input());
    expect(message.text).toBe(
      'Runway page: guardrail error_rate failed: estimate 0.1000 vs max 0.02',
    );
    const body = text(message.blocks);
    expect(body).toContain('*SLI* `error_rate`: *0.1000* vs bound `max 0.02`');
    expect(body).toContain('always-valid interval 0.09330 – 0.1072');
    expect(body).toContain('statistic 2,558 vs threshold 2.996: above max 0.02');
    expect(body).toContain('20,000 treatment / 19,500 control');
    expect(body).toContain('running, stage 2/3 at 25%');
    expect(body).toContain('New &lt;checkout&gt; &amp; flow');
    expect(body).toContain('<runway://experiment/checkout-v2|Open in the Runway desktop app>');
    expect(body).toContain('not acknowledged yet');
  });

  it('offers exactly the buttons the state allows, with the current version', () => {
    const running = buttons(buildPageMessage(input()).blocks);
    expect(running.map((button) => button.action_id)).toEqual([
      SLACK_ACTION_IDS.pageAck,
      SLACK_ACTION_IDS.pause,
      SLACK_ACTION_IDS.rollback,
      SLACK_ACTION_IDS.openConsole,
    ]);
    expect(parsePageValue(running[0]!.value)).toEqual({ pageId: 7 });
    expect(parseExperimentValue(running[1]!.value)).toEqual({ key: 'checkout-v2', version: 4 });
    expect(running[3]!.url).toBe('https://runway.example.com/experiments/checkout-v2');

    const base = input();
    const acknowledgedCompleted = buildPageMessage(
      input({
        page: { ...base.page, acknowledgedAtMs: RAISED_MS + 60_000, acknowledgedBy: 'bob' },
        experiment: { ...base.experiment!, state: 'completed', version: 9 },
      }),
    );
    expect(buttons(acknowledgedCompleted.blocks).map((button) => button.action_id)).toEqual([
      SLACK_ACTION_IDS.rollback,
      SLACK_ACTION_IDS.openConsole,
    ]);
    expect(text(acknowledgedCompleted.blocks)).toContain('acknowledged by *bob*');
    expect(acknowledgedCompleted.text).toContain('(acknowledged by bob)');

    const gone = buildPageMessage(input({ experiment: null }));
    expect(buttons(gone.blocks).map((button) => button.action_id)).toEqual([
      SLACK_ACTION_IDS.pageAck,
      SLACK_ACTION_IDS.openConsole,
    ]);
  });

  it('tells the secondary contact why it reached them', () => {
    const message = buildPageMessage(
      input({
        audience: 'escalation',
        escalation: { to: '<@U0BOB>', atMs: RAISED_MS + 900_000, afterMs: 900_000 },
      }),
    );
    expect(message.text).toMatch(/^Escalated page: /);
    const body = text(message.blocks);
    expect(body).toContain(':sos: *Escalated to you:* nobody acknowledged this page within 15m');
    expect(body).toContain('escalated to <@U0BOB>');
  });

  it('shows the cascade of a rollback, marking the experiment the page is about', () => {
    const message = buildPageMessage(
      input({
        page: { ...input().page, kind: 'rollback', summary: 'rolled back by runway:guardrails' },
        experimentKey: 'search-rerank',
        evidence: {
          kind: 'rollback',
          key: 'search-rerank',
          cause: 'payments-api-v3',
          reason: 'cascade from payments-api-v3: errors',
          actor: 'runway:guardrails',
        },
        cascade: {
          root: 'payments-api-v3',
          rolledBack: [
            { key: 'search-rerank', via: 'checkout-one-click' },
            { key: 'checkout-one-click', via: 'payments-api-v3' },
            { key: 'payments-api-v3', via: null },
          ],
        },
      }),
    );
    const body = text(message.blocks);
    expect(body).toContain('*search-rerank* was rolled back in a cascade from *payments-api-v3*');
    expect(body).toContain('rolling back `payments-api-v3` also rolled back 2 dependents');
    expect(body).toContain('`search-rerank` (requires `checkout-one-click`) ← this one');
    // A rollback that took nothing else down has no cascade to show.
    const alone = buildPageMessage(
      input({ cascade: { root: 'checkout-v2', rolledBack: [{ key: 'checkout-v2', via: null }] } }),
    );
    expect(text(alone.blocks)).not.toContain('*Cascade*');
  });

  it('describes lost telemetry, and falls back to the summary when the evidence is unreadable', () => {
    const lost = buildPageMessage(
      input({
        page: { ...input().page, kind: 'telemetry_lost', summary: 'no telemetry' },
        evidence: {
          kind: 'telemetry_lost',
          key: 'checkout-v2',
          windowMs: 300_000,
          lastSeenMs: null,
          runningForMs: 420_000,
        },
      }),
    );
    expect(text(lost.blocks)).toContain('no treatment telemetry for 5m');
    expect(text(lost.blocks)).toContain('*Last seen* never · running for 7m');
    const unknown = buildPageMessage(input({ evidence: { kind: 'summary_only' } }));
    expect(text(unknown.blocks)).toContain(
      '*Summary*\\nguardrail error_rate failed: estimate 0.1000 vs max 0.02',
    );
  });
});
