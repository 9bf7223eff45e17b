import { z } from 'zod';
import { EXPERIMENT_STATES } from './lifecycle';
import { ROLES } from './roles';
import { hasLoneSurrogate } from './unicode';

// Inputs of the typed API, shared by the server (validation) and every client.
// No .default() here: defaults are applied by the services (CONVENTIONS §3).

export const experimentKeyInput = z
  .string()
  .trim()
  .min(1, { message: 'key must not be empty' })
  .max(100);

/** Reasons end up in the audit log: refuse text that cannot be stored as it was sent. */
const reasonText = z
  .string()
  .trim()
  .min(1, { message: 'a reason is required' })
  .max(2_000)
  .refine((text) => !hasLoneSurrogate(text), {
    message: 'must be valid Unicode text (it holds a lone surrogate)',
  });

export const keyInput = z.strictObject({ key: experimentKeyInput });

export const listExperimentsInput = z
  .strictObject({
    states: z.array(z.enum(EXPERIMENT_STATES)).max(EXPERIMENT_STATES.length).optional(),
    service: z.string().max(100).optional(),
    team: z.string().max(100).optional(),
    layer: z.string().max(100).optional(),
  })
  .optional();

export const enqueueInput = z.strictObject({
  specs: z
    .array(z.unknown())
    .min(1, { message: 'needs at least one spec' })
    .max(500, { message: 'at most 500 specs per request' }),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
  draft: z.boolean().optional(),
});

export const validateInput = z.strictObject({
  specs: z.array(z.unknown()).min(1).max(500),
});

/** Pause, rollback, abort and approve need a reason (DESIGN §3). */
export const reasonedTransitionInput = z.strictObject({
  key: experimentKeyInput,
  expectedVersion: z.number().int().positive(),
  reason: reasonText,
});

/** A rollback may name the blast radius the user confirmed (CASCADE_CHANGED if it grew since). */
export const rollbackInput = reasonedTransitionInput.extend({
  expectedBlastRadius: z
    .array(experimentKeyInput)
    .max(10_000, { message: 'at most 10000 keys' })
    .optional(),
});

export const transitionInput = z.strictObject({
  key: experimentKeyInput,
  expectedVersion: z.number().int().positive(),
  reason: reasonText.optional(),
});

/** What audit.list and audit.count select: exact matches, and a time range [sinceMs, untilMs). */
const auditFilterShape = {
  experimentKey: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  sinceMs: z.number().int().nonnegative().optional(),
  untilMs: z.number().int().nonnegative().optional(),
};

const timeRangeInOrder = (input: { sinceMs?: number; untilMs?: number } | undefined): boolean =>
  input?.sinceMs === undefined || input.untilMs === undefined || input.sinceMs < input.untilMs;
const timeRangeMessage = { message: 'untilMs must be after sinceMs', path: ['untilMs'] };

/**
 * audit.list: newest first. `beforeSeq` pages back through the log (pass the last seq of the
 * previous page); `afterSeq` asks for what is newer than a seq already held.
 */
export const auditListInput = z
  .strictObject({
    ...auditFilterShape,
    afterSeq: z.number().int().nonnegative().optional(),
    beforeSeq: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .refine(timeRangeInOrder, timeRangeMessage)
  .optional();

/** audit.count: how many entries the same filters select (an export's progress). */
export const auditCountInput = z
  .strictObject(auditFilterShape)
  .refine(timeRangeInOrder, timeRangeMessage)
  .optional();

export const freezeInput = z.strictObject({
  service: z.string().trim().min(1).max(100).nullable().optional(),
  startsAtMs: z.number().int().positive().optional(),
  untilMs: z.number().int().positive(),
  reason: reasonText,
});

export const unfreezeInput = z.strictObject({
  service: z.string().trim().min(1).max(100).nullable().optional(),
  reason: z.string().max(2_000).optional(),
});

export const capInput = z.strictObject({
  scope: z.enum(['global', 'service', 'team']),
  name: z.string().trim().min(1).max(100).nullable().optional(),
  maxActive: z.number().int().nonnegative().nullable(),
});

export const budgetPolicyInput = z.strictObject({
  minRemainingFraction: z.number().min(0).max(1),
  maxBurnRate: z.number().positive(),
});

export const sloInput = z.strictObject({
  service: z.string().trim().min(1).max(100),
  objective: z.number().gt(0).lt(1, { message: 'objective is a fraction such as 0.999' }),
  windowMs: z.number().int().positive(),
});

export const budgetInput = z.strictObject({
  service: z.string().trim().min(1).max(100),
  remainingFraction: z.number().min(-10).max(1),
  burnRate: z.number().min(0),
  source: z.string().max(200).optional(),
});

const metricName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:/-]{0,254}$/, { message: 'must be an OTLP metric name' });
const promqlTemplate = z.string().trim().min(1).max(4_000);

/**
 * How an SLI is computed from an experiment arm's telemetry: OTLP metrics as a ratio of two
 * sums, a quantile or mean of a histogram, or two PromQL queries (numerator / denominator, with
 * {{experiment}}, {{variant}} and {{range}} placeholders) against a Prometheus-compatible API.
 */
export const sliSourceInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('ratio'),
    numeratorMetric: metricName,
    denominatorMetric: metricName,
  }),
  z.strictObject({
    kind: z.literal('quantile'),
    metric: metricName,
    quantile: z.number().gt(0).lt(1, { message: 'quantile is a fraction such as 0.95' }),
  }),
  z.strictObject({ kind: z.literal('mean'), metric: metricName }),
  z.strictObject({
    kind: z.literal('promql'),
    numeratorQuery: promqlTemplate,
    denominatorQuery: promqlTemplate,
  }),
]);
export type SliSource = z.infer<typeof sliSourceInput>;

export const sliInput = z.strictObject({
  service: z.string().trim().min(1).max(100),
  name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/),
  description: z.string().max(500),
  unit: z.string().max(20),
  source: sliSourceInput,
});
export type SliInput = z.infer<typeof sliInput>;

export const createTokenInput = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@-]{1,100}$/, { message: 'name may use letters, digits, . _ @ -' }),
  role: z.enum(ROLES),
  email: z.string().email().nullable().optional(),
});

export const linkUserInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, { message: 'a Slack user ID looks like U012ABCDEF' }),
  email: z.string().email().nullable().optional(),
});

export const changesInput = z
  .strictObject({
    lastEventId: z.string().nullish(),
  })
  .optional();

/**
 * flags.changes: `lastEventId` (an audit seq, as the stream sends it) replays what a reconnecting
 * client missed; `keys` limits the stream to those flags (all flags when absent).
 */
export const flagChangesInput = z
  .strictObject({
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, { message: 'lastEventId is the seq of an event this stream sent' })
      .nullish(),
    keys: z.array(experimentKeyInput).min(1).max(1_000).optional(),
  })
  .optional();

/**
 * experiments.sliSeries: the charts of an experiment's guardrails. Without `sinceMs` the range
 * is the current stage; with it, from the stage that was running at `sinceMs` (0: every stage).
 */
export const sliSeriesInput = z.strictObject({
  key: experimentKeyInput,
  sinceMs: z.number().int().nonnegative().optional(),
  maxPoints: z.number().int().min(10).max(1_000).optional(),
});

export const pagesListInput = z
  .strictObject({
    /** true: only unacknowledged; false: only acknowledged; absent: both. */
    open: z.boolean().optional(),
    experimentKey: experimentKeyInput.optional(),
    limit: z.number().int().min(1).max(1_000).optional(),
  })
  .optional();

export const pageAcknowledgeInput = z.strictObject({
  id: z.number().int().positive(),
});

/**
 * teams.setContact: where a team's unacknowledged pages escalate (a Slack user ID or an email),
 * and after how long (the service applies its default, 15 minutes, when absent).
 */
export const teamContactInput = z.strictObject({
  team: z.string().trim().min(1).max(100),
  secondary: z.string().trim().min(1).max(200),
  escalateAfterMs: z.number().int().positive().optional(),
});

export const DIGEST_SCOPE_KINDS = ['team', 'service'] as const;

/** What a digest is about: one team's or one service's experiments (absent: the whole fleet). */
export const digestScopeInput = z.strictObject({
  kind: z.enum(DIGEST_SCOPE_KINDS),
  name: z.string().trim().min(1).max(100),
});
export type DigestScope = z.infer<typeof digestScopeInput>;

/**
 * digests.schedule: a five-field cron expression read in an IANA time zone, for one channel,
 * about the whole fleet or (scope) one team's or service's experiments.
 */
export const digestScheduleInput = z.strictObject({
  channel: z.string().trim().min(1).max(100),
  cron: z.string().trim().min(1).max(200),
  timeZone: z.string().trim().min(1).max(100),
  scope: digestScopeInput.nullable().optional(),
});

export const digestChannelInput = z.strictObject({
  channel: z.string().trim().min(1).max(100),
});
