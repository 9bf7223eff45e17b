import { pageAcknowledgeInput, pagesListInput } from '../../../shared/src/api-schemas';
import { protectedProcedure, router } from './trpc';

export const pagesRouter = router({
  /** Newest first; `{ open: true }` for what still needs a person. */
  list: protectedProcedure
    .input(pagesListInput)
    .query(({ ctx, input }) => ctx.runway.pages.list(ctx.actor, input ?? {})),
  acknowledge: protectedProcedure
    .input(pageAcknowledgeInput)
    .mutation(({ ctx, input }) => ctx.runway.pages.acknowledge(input.id, ctx.actor)),
});

export const overviewRouter = router({
  get: protectedProcedure.query(({ ctx }) => ctx.runway.overview.get(ctx.actor)),
});
