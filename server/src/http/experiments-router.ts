import {
  enqueueInput,
  keyInput,
  listExperimentsInput,
  reasonedTransitionInput,
  rollbackInput,
  transitionInput,
  validateInput,
} from '../../../shared/src/api-schemas';
import { sliSeriesQuery } from './sli-series-router';
import { protectedProcedure, router } from './trpc';

export const experimentsRouter = router({
  // Reads first bring the scheduler's blocked reasons up to every committed change.
  list: protectedProcedure.input(listExperimentsInput).query(async ({ ctx, input }) => {
    await ctx.runway.gates.refresh();
    return ctx.runway.experiments.list(input ?? {}, ctx.actor);
  }),
  get: protectedProcedure.input(keyInput).query(async ({ ctx, input }) => {
    await ctx.runway.gates.refresh([input.key]);
    return ctx.runway.experiments.get(input.key, ctx.actor);
  }),
  blastRadius: protectedProcedure
    .input(keyInput)
    .query(({ ctx, input }) => ctx.runway.experiments.blastRadius(input.key, ctx.actor)),
  guardrailHealth: protectedProcedure.query(({ ctx }) =>
    ctx.runway.experiments.guardrailHealth(ctx.actor),
  ),
  sliSeries: sliSeriesQuery,
  validate: protectedProcedure
    .input(validateInput)
    .query(({ ctx, input }) => ctx.runway.experiments.validate(input.specs, ctx.actor)),
  // The answer is the durable result only (and what an idempotent retry gets back); why an
  // experiment waits comes from experiments.get, once the scheduler has looked at it.
  enqueue: protectedProcedure
    .input(enqueueInput)
    .mutation(({ ctx, input }) => ctx.runway.experiments.enqueue(input, ctx.actor)),
  submit: protectedProcedure
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.submit(input.key, input.expectedVersion, ctx.actor),
    ),
  approve: protectedProcedure
    .input(reasonedTransitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.approve(input.key, input.expectedVersion, input.reason, ctx.actor),
    ),
  advance: protectedProcedure
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.advance(
        input.key,
        input.expectedVersion,
        input.reason ?? null,
        ctx.actor,
      ),
    ),
  pause: protectedProcedure
    .input(reasonedTransitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.pause(input.key, input.expectedVersion, input.reason, ctx.actor),
    ),
  resume: protectedProcedure
    .input(transitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.resume(
        input.key,
        input.expectedVersion,
        input.reason ?? null,
        ctx.actor,
      ),
    ),
  rollback: protectedProcedure
    .input(rollbackInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.rollback(
        input.key,
        input.expectedVersion,
        input.reason,
        ctx.actor,
        input.expectedBlastRadius ? { expectedBlastRadius: input.expectedBlastRadius } : {},
      ),
    ),
  abort: protectedProcedure
    .input(reasonedTransitionInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.experiments.abort(input.key, input.expectedVersion, input.reason, ctx.actor),
    ),
});
