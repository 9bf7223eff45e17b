import { tracked } from '@trpc/server';
import { flagChangesInput } from '../../../shared/src/api-schemas';
import { streamFlagChanges } from '../flags/flag-change-stream';
import { protectedProcedure, router } from './trpc';

export const flagsRouter = router({
  /**
   * Live flag changes over SSE (viewer and up): one event per committed change to what a flag
   * evaluates to. The audit seq is the event id, so a reconnecting client is sent what it missed.
   */
  changes: protectedProcedure.input(flagChangesInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const changes = streamFlagChanges({
      feed: ctx.runway.feed,
      flags: ctx.runway.flags,
      actor: ctx.actor,
      ...(input?.lastEventId ? { lastEventId: input.lastEventId } : {}),
      ...(input?.keys ? { keys: input.keys } : {}),
      ...(signal ? { signal } : {}),
    });
    for await (const change of changes) yield tracked(String(change.seq), change);
  }),
});
