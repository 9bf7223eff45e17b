import {
  budgetInput,
  budgetPolicyInput,
  capInput,
  freezeInput,
  sliInput,
  sloInput,
  unfreezeInput,
} from '../../../shared/src/api-schemas';
import { protectedProcedure, router } from './trpc';

export const policyRouter = router({
  get: protectedProcedure.query(({ ctx }) => ctx.runway.policy.view(ctx.actor)),
  freeze: protectedProcedure.input(freezeInput).mutation(({ ctx, input }) =>
    ctx.runway.policy.freeze(
      {
        service: input.service ?? null,
        untilMs: input.untilMs,
        reason: input.reason,
        ...(input.startsAtMs ? { startsAtMs: input.startsAtMs } : {}),
      },
      ctx.actor,
    ),
  ),
  unfreeze: protectedProcedure
    .input(unfreezeInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.policy.unfreeze(
        { service: input.service ?? null, ...(input.reason ? { reason: input.reason } : {}) },
        ctx.actor,
      ),
    ),
  setCap: protectedProcedure
    .input(capInput)
    .mutation(({ ctx, input }) =>
      ctx.runway.policy.setCap(
        { scope: input.scope, name: input.name ?? null, maxActive: input.maxActive },
        ctx.actor,
      ),
    ),
  setBudgetPolicy: protectedProcedure
    .input(budgetPolicyInput)
    .mutation(({ ctx, input }) => ctx.runway.policy.setBudgetPolicy(input, ctx.actor)),
  setSlo: protectedProcedure
    .input(sloInput)
    .mutation(({ ctx, input }) => ctx.runway.policy.setSlo(input, ctx.actor)),
  setBudget: protectedProcedure
    .input(budgetInput)
    .mutation(({ ctx, input }) => ctx.runway.policy.setBudget(input, ctx.actor)),
  defineSli: protectedProcedure
    .input(sliInput)
    .mutation(({ ctx, input }) => ctx.runway.policy.defineSli(input, ctx.actor)),
});
