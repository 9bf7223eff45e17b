import type { ExperimentView } from '../../../shared/src/api-types';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';
import { GUARDRAIL_ACTOR } from './demo-crew';
import { attempt, current, elapsedSince, isFleet, pick, type SimContext } from './demo-sim-context';
import { readGuardrail, type GuardrailReading, type SimulatedVerdict } from './demo-telemetry';

/** No reading before this much time in a stage: the guardrails have no data yet. */
const FIRST_READING_MS = 10_000;
/** A verdict comes after half the hold, and never before this. */
const MIN_DECISION_MS = 20_000;
/** Per decision: rare failures, some "need more data" that the next step decides again. */
const FAIL_PROBABILITY = 0.006;
const INCONCLUSIVE_PROBABILITY = 0.15;

/**
 * Plays the guardrail engine for running experiments: early readings are inconclusive, then most
 * stages pass, some need more data, and a rare one fails. A failure triggers the failing
 * guardrail's action (pause, or rollback with its cascade) the way the real engine would.
 * Experiments outside the demo fleet get telemetry too, but never a failure: nobody in the demo
 * crew would follow up on it.
 */
export function simulateGuardrails(ctx: SimContext): void {
  for (const view of ctx.open) {
    if (view.state !== 'running' || view.guardrails.length === 0 || view.stageStartedAtMs === null)
      continue;
    const inStageMs = elapsedSince(ctx, view.stageStartedAtMs);
    if (inStageMs < FIRST_READING_MS) continue;
    const fresh = ctx.runway.experimentStore
      .guardrailStatuses(view.key)
      .filter(
        (status) =>
          status.stageIndex === view.stageIndex && status.evaluatedAt >= view.stageStartedAtMs!,
      );
    const failing = fresh.find((status) => status.verdict === 'fail');
    if (failing) {
      // The action did not go through last time (a race); the engine tries again.
      const guardrail = view.guardrails.find((candidate) => candidate.sli === failing.sli);
      if (guardrail) actOnFailure(ctx, view, guardrail, `${failing.sli} failing`);
      continue;
    }
    const settled =
      fresh.length >= view.guardrails.length && fresh.every((status) => status.verdict === 'pass');
    if (settled) continue;
    const holdMs = view.stages[view.stageIndex]?.holdMs ?? 0;
    if (inStageMs < Math.max(MIN_DECISION_MS, holdMs / 2)) {
      if (fresh.length === 0) record(ctx, view, 'inconclusive', pick(ctx, view.guardrails));
      continue;
    }
    const roll = ctx.random();
    if (isFleet(ctx, view) && roll < FAIL_PROBABILITY) {
      const guardrail = pick(ctx, view.guardrails);
      const reading = record(ctx, view, 'fail', guardrail);
      actOnFailure(ctx, view, guardrail, reading?.summary ?? `${guardrail.sli} failing`);
    } else if (roll < FAIL_PROBABILITY + INCONCLUSIVE_PROBABILITY) {
      record(ctx, view, 'inconclusive', pick(ctx, view.guardrails));
    } else {
      record(ctx, view, 'pass', null);
    }
  }
}

/** Records one verdict for `subject` and passes for the other guardrails; returns the subject's reading. */
function record(
  ctx: SimContext,
  view: ExperimentView,
  verdict: SimulatedVerdict,
  subject: Guardrail | null,
): GuardrailReading | null {
  let subjectReading: GuardrailReading | null = null;
  for (const guardrail of view.guardrails) {
    const reading = readGuardrail(
      guardrail,
      view.service,
      guardrail === subject ? verdict : 'pass',
      ctx.random,
    );
    ctx.runway.experiments.recordGuardrailVerdict(
      view.key,
      reading.sli,
      reading.verdict,
      reading.details,
    );
    if (guardrail === subject) subjectReading = reading;
  }
  const stage = `stage ${view.stageIndex + 1}/${view.stageCount}`;
  ctx.actions.push(
    `guardrails ${verdict} for ${view.key} (${stage})${subjectReading ? `: ${subjectReading.summary}` : ''}`,
  );
  return subjectReading;
}

/** After a resume the stage starts over: every guardrail needs fresh data before a verdict. */
export function restartReadings(ctx: SimContext, view: ExperimentView): void {
  for (const guardrail of view.guardrails) {
    const reading = readGuardrail(guardrail, view.service, 'inconclusive', ctx.random);
    ctx.runway.experiments.recordGuardrailVerdict(view.key, reading.sli, 'inconclusive', {
      ...reading.details,
      note: 're-evaluating after resume',
    });
  }
}

function actOnFailure(
  ctx: SimContext,
  view: ExperimentView,
  guardrail: Guardrail,
  summary: string,
): void {
  const row = current(ctx, view.key);
  if (!row || row.state !== 'running') return;
  const { experiments } = ctx.runway;
  if (guardrail.action === 'rollback') {
    const reason = `guardrail breached: ${summary}; rolled back automatically`;
    attempt(ctx, view.key, `${GUARDRAIL_ACTOR.name} rolled back ${view.key}: ${reason}`, () =>
      experiments.rollback(view.key, row.version, reason, GUARDRAIL_ACTOR),
    );
  } else {
    const reason = `guardrail breached: ${summary}; paused, paging ${view.owner}`;
    attempt(ctx, view.key, `${GUARDRAIL_ACTOR.name} paused ${view.key}: ${reason}`, () =>
      experiments.pause(view.key, row.version, reason, GUARDRAIL_ACTOR),
    );
  }
}
