import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../../shared/src/duration';
import { DEFAULT_STUCK_LIMITS, type StuckLimits } from '../pages/stuck-detector';

const portSchema = z.coerce.number().int().min(0).max(65_535);

/** A limit written as a duration ("45m", "2h", "1d"): at least a minute, at most 30 days. */
const stuckLimitSchema = z
  .string()
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms < 60_000 || ms > 30 * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a duration from 1m to 30d such as 45m, 2h or 1d (got "${text}")`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .optional();

/** Everything Runway reads from the environment, parsed once (CONVENTIONS §7). */
const envSchema = z.object({
  RUNWAY_PORT: portSchema.optional(),
  RUNWAY_HOST: z.string().min(1).optional(),
  RUNWAY_DB: z.string().min(1).optional(),
  RUNWAY_URL: z.url({ message: 'must be a URL such as http://127.0.0.1:7400' }).optional(),
  RUNWAY_TOKEN: z.string().min(1).optional(),
  RUNWAY_TICK_MS: z.coerce.number().int().min(50).max(600_000).optional(),
  RUNWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024)
    .optional(),
  RUNWAY_SYNC: z.enum(['FULL', 'NORMAL']).optional(),
  RUNWAY_PROMETHEUS_URL: z
    .url({
      message: 'must be the base URL of a Prometheus-compatible API, e.g. http://127.0.0.1:9090',
    })
    .optional(),
  RUNWAY_STUCK_PAUSED: stuckLimitSchema,
  RUNWAY_STUCK_PENDING_APPROVAL: stuckLimitSchema,
  RUNWAY_STUCK_RAMP_OVERDUE: stuckLimitSchema,
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: z.url().optional(),
  SLACK_DEFAULT_CHANNEL: z
    .string()
    .regex(/^(#[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{6,})$/, {
      message: 'must be a Slack channel like #releases or a channel ID',
    })
    .optional(),
});

export interface RunwayConfig {
  port: number;
  host: string;
  dbPath: string;
  /** admin.token beside the database, readable by its owner only. */
  adminTokenPath: string;
  tickIntervalMs: number;
  maxBodyBytes: number;
  synchronous: 'FULL' | 'NORMAL';
  /** Where PromQL SLIs are queried (RUNWAY_PROMETHEUS_URL); null: PromQL SLIs have no data. */
  prometheusUrl: string | null;
  /** How people reach this server (RUNWAY_URL): console links in Slack messages; null: its own URL. */
  publicUrl: string | null;
  /**
   * How long an experiment may sit paused, await approval, or stay at a stage past its hold
   * before its owner is paged (RUNWAY_STUCK_PAUSED, _PENDING_APPROVAL, _RAMP_OVERDUE).
   */
  stuckLimits: StuckLimits;
  slack: {
    botToken: string;
    signingSecret: string;
    apiUrl: string | null;
    /** Where pages go when an experiment names no channel (SLACK_DEFAULT_CHANNEL). */
    defaultChannel: string | null;
  } | null;
}

export interface ClientConfig {
  url: string;
  token: string | null;
  adminTokenPath: string;
}

export const DEFAULT_PORT = 7400;
export const DEFAULT_DB_PATH = join('.runway', 'runway.db');

export class ConfigError extends Error {}

function parseEnv(env: NodeJS.ProcessEnv): z.infer<typeof envSchema> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function adminTokenPathFor(dbPath: string): string {
  return join(dirname(resolve(dbPath)), 'admin.token');
}

export function loadServerConfig(
  env: NodeJS.ProcessEnv,
  overrides: { port?: number; dbPath?: string; host?: string } = {},
): RunwayConfig {
  const parsed = parseEnv(env);
  const dbPath = resolve(overrides.dbPath ?? parsed.RUNWAY_DB ?? DEFAULT_DB_PATH);
  const slackPair = parsed.SLACK_BOT_TOKEN && parsed.SLACK_SIGNING_SECRET;
  return {
    port: overrides.port ?? parsed.RUNWAY_PORT ?? DEFAULT_PORT,
    host: overrides.host ?? parsed.RUNWAY_HOST ?? '127.0.0.1',
    dbPath,
    adminTokenPath: adminTokenPathFor(dbPath),
    tickIntervalMs: parsed.RUNWAY_TICK_MS ?? 2_000,
    maxBodyBytes: parsed.RUNWAY_MAX_BODY_BYTES ?? 1024 * 1024,
    synchronous: parsed.RUNWAY_SYNC ?? 'FULL',
    prometheusUrl: parsed.RUNWAY_PROMETHEUS_URL ?? null,
    publicUrl: parsed.RUNWAY_URL?.replace(/\/+$/, '') ?? null,
    stuckLimits: {
      pausedMs: parsed.RUNWAY_STUCK_PAUSED ?? DEFAULT_STUCK_LIMITS.pausedMs,
      pendingApprovalMs:
        parsed.RUNWAY_STUCK_PENDING_APPROVAL ?? DEFAULT_STUCK_LIMITS.pendingApprovalMs,
      rampOverdueMs: parsed.RUNWAY_STUCK_RAMP_OVERDUE ?? DEFAULT_STUCK_LIMITS.rampOverdueMs,
    },
    slack: slackPair
      ? {
          botToken: parsed.SLACK_BOT_TOKEN!,
          signingSecret: parsed.SLACK_SIGNING_SECRET!,
          apiUrl: parsed.SLACK_API_URL ?? null,
          defaultChannel: parsed.SLACK_DEFAULT_CHANNEL ?? null,
        }
      : null,
  };
}

export function loadClientConfig(env: NodeJS.ProcessEnv): ClientConfig {
  const parsed = parseEnv(env);
  const dbPath = resolve(parsed.RUNWAY_DB ?? DEFAULT_DB_PATH);
  return {
    url: (parsed.RUNWAY_URL ?? `http://127.0.0.1:${parsed.RUNWAY_PORT ?? DEFAULT_PORT}`).replace(
      /\/+$/,
      '',
    ),
    token: parsed.RUNWAY_TOKEN ?? null,
    adminTokenPath: adminTokenPathFor(dbPath),
  };
}
