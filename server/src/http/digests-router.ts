import { digestChannelInput, digestScheduleInput } from '../../../shared/src/api-schemas';
import { protectedProcedure, router } from './trpc';

export const digestsRouter = router({
  list: protectedProcedure.query(({ ctx }) => ctx.runway.digests.list(ctx.actor)),
  /**
   * Operator: post a digest to `channel` on a cron schedule (replaces the channel's schedule),
   * about the whole fleet or, with `scope`, one team's or service's experiments.
   */
  schedule: protectedProcedure
    .input(digestScheduleInput)
    .mutation(({ ctx, input }) => ctx.runway.digests.schedule(input, ctx.actor)),
  unschedule: protectedProcedure
    .input(digestChannelInput)
    .mutation(({ ctx, input }) => ctx.runway.digests.unschedule(input.channel, ctx.actor)),
});
