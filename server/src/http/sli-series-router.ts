import { sliSeriesInput } from '../../../shared/src/api-schemas';
import { protectedProcedure } from './trpc';

/**
 * experiments.sliSeries: each guardrail's SLI over time for the console's charts. Kept in its
 * own file and mounted in the experiments router, so the lifecycle procedures stay apart.
 */
export const sliSeriesQuery = protectedProcedure.input(sliSeriesInput).query(({ ctx, input }) =>
  ctx.runway.sliSeries.series(
    input.key,
    {
      ...(input.sinceMs !== undefined ? { sinceMs: input.sinceMs } : {}),
      ...(input.maxPoints !== undefined ? { maxPoints: input.maxPoints } : {}),
    },
    ctx.actor,
  ),
);
