import { teamContactInput } from '../../../shared/src/api-schemas';
import { protectedProcedure, router } from './trpc';

export const teamsRouter = router({
  list: protectedProcedure.query(({ ctx }) => ctx.runway.teams.list(ctx.actor)),
  /** Admin: who the team's unacknowledged pages escalate to, and after how long. */
  setContact: protectedProcedure
    .input(teamContactInput)
    .mutation(({ ctx, input }) => ctx.runway.teams.setContact(input, ctx.actor)),
});
