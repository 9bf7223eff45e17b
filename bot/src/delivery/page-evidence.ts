// What a page's outbox payload says about why it was raised, as typed data for the message
// builder. The payloads are written by the guardrail engine (guardrail-service.ts describe()) and
// by rollbacks (experiment-service.ts); this module only reads them. A payload that does not
// match (an older shape, a field renamed) still yields a page: its summary is always there, and
// a page must never be lost because its evidence could not be read.

import { z } from 'zod';
import type { PageKind } from '../../../shared/src/api-types';

export type PageEvidence =
  | {
      kind: 'guardrail';
      key: string;
      /** What Runway did: paused, rolled back, or only paged (a completed experiment's pause guardrail). */
      action: 'pause' | 'rollback' | 'page';
      sli: string;
      /** The bound that failed, e.g. `max 0.02` or `maxRelative 0.1`. */
      rule: string;
      estimate: number | null;
      interval: readonly [number, number] | null;
      limit: number;
      /** ln Λ of the sequential test, against its threshold ln(1/α). */
      statistic: number | null;
      threshold: number;
      samples: { treatment: number; control: number | null };
      /** The test's own explanation of its verdict. */
      test: string;
    }
  | {
      kind: 'telemetry_lost';
      key: string;
      windowMs: number;
      lastSeenMs: number | null;
      runningForMs: number;
    }
  | {
      kind: 'rollback';
      key: string;
      /** The experiment whose rollback cascaded to this one; null when it was rolled back itself. */
      cause: string | null;
      reason: string;
      actor: string;
    }
  | { kind: 'summary_only' };

const finite = z.number().finite();

const guardrailPayload = z.object({
  key: z.string(),
  action: z.enum(['pause', 'rollback', 'page']),
  sli: z.string(),
  rule: z.string(),
  estimate: finite.nullable(),
  interval: z.tuple([finite, finite]).nullable(),
  limit: finite,
  statistic: finite.nullable(),
  threshold: finite,
  samples: z.object({ treatment: finite, control: finite.nullable() }),
  reason: z.string(),
});

const telemetryLostPayload = z.object({
  key: z.string(),
  windowMs: finite,
  lastSeenMs: finite.nullable(),
  runningForMs: finite,
});

const rollbackPayload = z.object({
  experimentKey: z.string(),
  cause: z.string().nullable(),
  reason: z.string(),
  actor: z.string(),
});

/** The evidence in a `page.KIND` outbox payload; `summary_only` when it cannot be read. */
export function parsePageEvidence(kind: PageKind, payload: unknown): PageEvidence {
  switch (kind) {
    case 'guardrail': {
      const parsed = guardrailPayload.safeParse(payload);
      if (!parsed.success) return { kind: 'summary_only' };
      const { reason, ...rest } = parsed.data;
      return { kind: 'guardrail', ...rest, test: reason };
    }
    case 'telemetry_lost': {
      const parsed = telemetryLostPayload.safeParse(payload);
      return parsed.success ? { kind: 'telemetry_lost', ...parsed.data } : { kind: 'summary_only' };
    }
    case 'rollback': {
      const parsed = rollbackPayload.safeParse(payload);
      if (!parsed.success) return { kind: 'summary_only' };
      const { experimentKey, ...rest } = parsed.data;
      return { kind: 'rollback', key: experimentKey, ...rest };
    }
    default:
      return { kind: 'summary_only' };
  }
}

/**
 * The experiment whose rollback a page's cascade starts from, when the page is about a rollback:
 * itself for a rollback it was the target of, its cause for one that cascaded to it.
 */
export function cascadeRoot(evidence: PageEvidence): string | null {
  if (evidence.kind === 'rollback') return evidence.cause ?? evidence.key;
  if (evidence.kind === 'guardrail' && evidence.action === 'rollback') return evidence.key;
  return null;
}
