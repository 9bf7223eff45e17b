import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import type { GuardrailEvaluation } from './evaluate-guardrail';

/** What the shell knows about one watched experiment when it decides. */
export interface GuardrailExperiment {
  readonly key: string;
  /**
   * `running`, or `baking`: completed, and watched for a while on the data since completion. A
   * completed experiment cannot be paused, so while baking only a rollback guardrail acts; a
   * failing pause guardrail pages, and silence does nothing (completion is not undone for it).
   */
  readonly phase?: 'running' | 'baking';
  /** When the data judged starts: the current stage's start, or the completion, ms. */
  readonly stageStartedAtMs: number;
  /** When the treatment arm last sent telemetry; null if never. */
  readonly treatmentLastSeenMs: number | null;
}

/** One guardrail with its verdict over the data since the stage started. */
export interface GuardrailCheck {
  readonly guardrail: Guardrail;
  readonly evaluation: GuardrailEvaluation;
}

/** The numbers behind an action, copied into the audit details and the page. */
export interface GuardrailEvidence {
  readonly estimate: number | null;
  readonly interval: readonly [number, number] | null;
  readonly limit: number;
  readonly statistic: number | null;
  readonly threshold: number;
  readonly samples: { readonly treatment: number; readonly control: number | null };
  readonly reason: string;
}

export type GuardrailDecision =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'pause' | 'rollback';
      readonly reason: 'guardrail_failed';
      readonly sli: string;
      /** The bound that failed, e.g. `maxRelative 0.1`. */
      readonly rule: string;
      readonly evidence: GuardrailEvidence;
    }
  | {
      /** A pause guardrail failed on a completed experiment: nothing to pause, so page. */
      readonly kind: 'page';
      readonly reason: 'guardrail_failed';
      readonly sli: string;
      readonly rule: string;
      readonly evidence: GuardrailEvidence;
    }
  | {
      readonly kind: 'pause';
      readonly reason: 'no_data';
      readonly windowMs: number;
      readonly lastSeenMs: number | null;
      readonly runningForMs: number;
    };

function evidenceOf(evaluation: GuardrailEvaluation): GuardrailEvidence {
  return {
    estimate: evaluation.estimate,
    interval: evaluation.interval,
    limit: evaluation.limit,
    statistic: evaluation.statistic,
    threshold: evaluation.threshold,
    samples: evaluation.samples,
    reason: evaluation.reason,
  };
}

/**
 * Pure: what to do about a running experiment given its guardrails' verdicts. A failure takes the
 * guardrail's action (rollback wins over pause when several fail). Missing telemetry is never a
 * pass (DESIGN §5): if the stage has run longer than a guardrail's window and treatment has sent
 * nothing within that window, pause and page.
 */
export function decideGuardrails(
  experiment: GuardrailExperiment,
  checks: readonly GuardrailCheck[],
  nowMs: number,
): GuardrailDecision {
  const failed = checks.filter((check) => check.evaluation.verdict === 'fail');
  const worst =
    failed.find((check) => check.guardrail.action === 'rollback') ?? failed[0] ?? undefined;
  const baking = experiment.phase === 'baking';
  if (worst) {
    return {
      kind: baking && worst.guardrail.action === 'pause' ? 'page' : worst.guardrail.action,
      reason: 'guardrail_failed',
      sli: worst.guardrail.sli,
      rule: `${worst.evaluation.bound} ${worst.evaluation.limit}`,
      evidence: evidenceOf(worst.evaluation),
    };
  }
  const runningForMs = nowMs - experiment.stageStartedAtMs;
  const lastSeenMs = experiment.treatmentLastSeenMs;
  // The shortest window is the strictest: silence for that long already breaks its guarantee.
  const windows = checks.map((check) => check.guardrail.windowMs);
  if (windows.length > 0 && !baking) {
    const windowMs = Math.min(...windows);
    const silentSinceMs = Math.max(lastSeenMs ?? -Infinity, experiment.stageStartedAtMs);
    if (runningForMs > windowMs && nowMs - silentSinceMs > windowMs) {
      return { kind: 'pause', reason: 'no_data', windowMs, lastSeenMs, runningForMs };
    }
  }
  return { kind: 'none' };
}
