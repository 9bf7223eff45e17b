import { digestsRouter } from './digests-router';
import { experimentsRouter } from './experiments-router';
import { flagsRouter } from './flags-router';
import { overviewRouter, pagesRouter } from './pages-router';
import { policyRouter } from './policy-router';
import { auditRouter, authRouter, queueRouter, schedulerRouter } from './system-router';
import { teamsRouter } from './teams-router';
import { router } from './trpc';

export const appRouter = router({
  experiments: experimentsRouter,
  scheduler: schedulerRouter,
  policy: policyRouter,
  audit: auditRouter,
  auth: authRouter,
  queue: queueRouter,
  flags: flagsRouter,
  pages: pagesRouter,
  overview: overviewRouter,
  teams: teamsRouter,
  digests: digestsRouter,
});

/** Clients import this type only (type-only import: no server code reaches them). */
export type AppRouter = typeof appRouter;
