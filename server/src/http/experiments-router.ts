import {
  enqueueInput,
  keyInput,
  listExperimentsInput,
  reasonedTransitionInput,
  transitionInput,
  validateInput,
} from '../../../shared/src/api-schemas';
import { protectedProcedure, router } from './trpc';

export const experimentsRouter = router({
  list: protectedProcedure.input(listExperimentsInput).query(({ ctx, input }) => ctx.runway.experiments.list(input ?? {}, ctx.actor)),
  get: protectedProcedure.input(keyInput).query(({ ctx, input }) => ctx.runway.experiments.get(input.key, ctx.actor)),
  blastRadius: protectedProcedure.input(keyInput).query(({ ctx, input }) => ctx.runway.experiments.blastRadius(input.key, ctx.actor)),
  validate: protectedProcedure.input(validateInput).query(({ ctx, input }) => ctx.runway.experiments.validate(input.specs, ctx.actor)),
  enqueue: protectedProcedure.input(enqueueInput).mutation(({ ctx, input }) => {
    const result = ctx.runway.experiments.enqueue(input, ctx.actor);
    return {
      ...result,
      experiments: result.experiments.map((entry) => ({ ...entry, blockedReasons: [...ctx.runway.gates.blockedReasons(entry.key)] })),
    };
  }),
  submit: protectedProcedure.input(transitionInput).mutation(({ ctx, input }) => ctx.runway.experiments.submit(input.key, input.expectedVersion, ctx.actor)),
  approve: protectedProcedure.input(reasonedTransitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.approve(input.key, input.expectedVersion, input.reason, ctx.actor),
  ),
  advance: protectedProcedure.input(transitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.advance(input.key, input.expectedVersion, input.reason ?? null, ctx.actor),
  ),
  pause: protectedProcedure.input(reasonedTransitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.pause(input.key, input.expectedVersion, input.reason, ctx.actor),
  ),
  resume: protectedProcedure.input(transitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.resume(input.key, input.expectedVersion, input.reason ?? null, ctx.actor),
  ),
  rollback: protectedProcedure.input(reasonedTransitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.rollback(input.key, input.expectedVersion, input.reason, ctx.actor),
  ),
  abort: protectedProcedure.input(reasonedTransitionInput).mutation(({ ctx, input }) =>
    ctx.runway.experiments.abort(input.key, input.expectedVersion, input.reason, ctx.actor),
  ),
});
