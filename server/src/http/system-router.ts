import { tracked } from '@trpc/server';
import {
  auditCountInput,
  auditListInput,
  changesInput,
  createTokenInput,
  linkUserInput,
} from '../../../shared/src/api-schemas';
import { requireRole } from '../auth/auth-service';
import type { AuditEntryView } from '../audit/audit-service';
import { toAuditEntryView } from '../audit/audit-service';
import type { AuditRow } from '../audit/audit-chain';
import { protectedProcedure, router } from './trpc';

export const schedulerRouter = router({
  plan: protectedProcedure.query(({ ctx }) => ctx.runway.scheduler.plan(ctx.actor)),
  /** Runs one tick now (release managers, after changing policy; tests). */
  tick: protectedProcedure.mutation(({ ctx }) => {
    requireRole(ctx.actor, 'release-manager');
    const result = ctx.runway.scheduler.tick();
    return { changed: result.applied.changed, durationMs: result.durationMs };
  }),
});

export const auditRouter = router({
  list: protectedProcedure.input(auditListInput).query(({ ctx, input }) => {
    requireRole(ctx.actor, 'viewer');
    return ctx.runway.audit.list({ ...input, limit: input?.limit ?? 200 });
  }),
  /** How many entries the filters select: lets a long export show how far it has got. */
  count: protectedProcedure.input(auditCountInput).query(({ ctx, input }) => {
    requireRole(ctx.actor, 'viewer');
    return ctx.runway.audit.count(input ?? {});
  }),
  verify: protectedProcedure.query(({ ctx }) => {
    requireRole(ctx.actor, 'viewer');
    return ctx.runway.audit.verify();
  }),
});

export const authRouter = router({
  whoami: protectedProcedure.query(({ ctx }) => ({ name: ctx.actor.name, role: ctx.actor.role })),
  createToken: protectedProcedure.input(createTokenInput).mutation(({ ctx, input }) => {
    const created = ctx.runway.auth.createToken(
      { name: input.name, role: input.role, email: input.email ?? null },
      ctx.actor,
    );
    return { token: created.token, user: created.user.name, role: created.role };
  }),
  linkUser: protectedProcedure.input(linkUserInput).mutation(({ ctx, input }) =>
    ctx.runway.auth.linkUser(
      {
        name: input.name,
        slackUserId: input.slackUserId,
        ...(input.email !== undefined ? { email: input.email } : {}),
      },
      ctx.actor,
    ),
  ),
  listUsers: protectedProcedure.query(({ ctx }) => ctx.runway.auth.listUsers(ctx.actor)),
});

export const queueRouter = router({
  /**
   * Live queue changes over SSE: every committed change as its audit entry. The entry's seq is
   * the event id, so a reconnecting client gets what it missed from the audit log first.
   */
  changes: protectedProcedure.input(changesInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    requireRole(ctx.actor, 'viewer');
    // Buffer from the moment of subscribing, so nothing committed during the replay is lost.
    const buffer: AuditRow[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = ctx.runway.feed.subscribe((rows) => {
      buffer.push(...rows);
      wake?.();
    });
    try {
      let lastSeq = Number(input?.lastEventId ?? NaN);
      if (Number.isInteger(lastSeq)) {
        const missed = ctx.runway.audit.list({ afterSeq: lastSeq, limit: 10_000 }).reverse();
        for (const entry of missed) {
          yield tracked(String(entry.seq), entry);
          lastSeq = entry.seq;
        }
      }
      while (!signal?.aborted) {
        if (buffer.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            signal?.addEventListener('abort', () => resolve(), { once: true });
          });
          wake = null;
        }
        for (let row = buffer.shift(); row; row = buffer.shift()) {
          if (Number.isInteger(lastSeq) && row.seq <= lastSeq) continue;
          const entry: AuditEntryView = toAuditEntryView(row);
          yield tracked(String(entry.seq), entry);
        }
      }
    } finally {
      unsubscribe();
    }
  }),
});
