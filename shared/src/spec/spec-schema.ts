import { z } from 'zod';
import { parseDuration } from '../duration';

export const EXPERIMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const experimentKeySchema = z.string().regex(EXPERIMENT_KEY_PATTERN, {
  message:
    'must be 2-63 characters of lowercase letters, digits and dashes, starting with a letter or digit',
});

const durationSchema = z.string().refine((text) => parseDuration(text) !== null, {
  message: 'is not a duration (use forms like 30s, 5m, 2h, 1h30m, 1d)',
});

const nameSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(100);

export const stageSpecSchema = z.strictObject({
  percent: z
    .number()
    .gt(0, { message: 'must be greater than 0' })
    .lte(100, { message: 'must be at most 100' }),
  hold: durationSchema,
  approve: z.boolean().optional(),
});

export const guardrailActionSchema = z.enum(['pause', 'rollback']);

export const guardrailSpecSchema = z.strictObject({
  sli: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, { message: 'must be an SLI name like error_rate' }),
  max: z.number().optional(),
  min: z.number().optional(),
  maxRelative: z.number().optional(),
  minRelative: z.number().optional(),
  window: durationSchema,
  action: guardrailActionSchema,
});

export const riskSchema = z.enum(['low', 'medium', 'high']);

/** DESIGN §2: the experiment spec, the same for YAML and JSON. */
export const experimentSpecSchema = z.strictObject({
  key: experimentKeySchema,
  title: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
  owner: nameSchema,
  team: nameSchema,
  channel: z
    .string()
    .regex(/^(#[a-z0-9][a-z0-9_-]{0,79}|[CGD][A-Z0-9]{6,})$/, {
      message: 'must be a Slack channel like #payments-releases or a channel ID',
    })
    .optional(),
  hypothesis: z.string().max(2000).optional(),
  service: nameSchema,
  layer: nameSchema,
  priority: z.number().int({ message: 'must be a whole number' }).min(0).max(100).optional(),
  risk: riskSchema.optional(),
  requires: z.array(experimentKeySchema).max(100).optional(),
  excludes: z.array(experimentKeySchema).max(100).optional(),
  after: z.array(experimentKeySchema).max(100).optional(),
  notBefore: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 time like 2026-12-01T09:00:00Z' })
    .optional(),
  notAfter: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 time like 2026-12-20T18:00:00Z' })
    .optional(),
  stages: z.array(stageSpecSchema).min(1, { message: 'needs at least one stage' }).max(20),
  guardrails: z.array(guardrailSpecSchema).max(50).optional(),
});

export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
export type StageSpec = z.infer<typeof stageSpecSchema>;
export type GuardrailSpec = z.infer<typeof guardrailSpecSchema>;
export type Risk = z.infer<typeof riskSchema>;
export type GuardrailAction = z.infer<typeof guardrailActionSchema>;

export const DEFAULT_PRIORITY = 50;
export const DEFAULT_RISK: Risk = 'medium';

export interface Stage {
  percent: number;
  holdMs: number;
  approve: boolean;
}

export interface Guardrail {
  sli: string;
  max?: number;
  min?: number;
  maxRelative?: number;
  minRelative?: number;
  windowMs: number;
  action: GuardrailAction;
}

/** A validated spec with defaults applied and durations in milliseconds. */
export interface ExperimentDefinition {
  key: string;
  title: string;
  owner: string;
  team: string;
  channel: string | null;
  hypothesis: string | null;
  service: string;
  layer: string;
  priority: number;
  risk: Risk;
  requires: string[];
  excludes: string[];
  after: string[];
  notBeforeMs: number | null;
  notAfterMs: number | null;
  stages: Stage[];
  guardrails: Guardrail[];
}

export function toDefinition(spec: ExperimentSpec): ExperimentDefinition {
  return {
    key: spec.key,
    title: spec.title,
    owner: spec.owner,
    team: spec.team,
    channel: spec.channel ?? null,
    hypothesis: spec.hypothesis ?? null,
    service: spec.service,
    layer: spec.layer,
    priority: spec.priority ?? DEFAULT_PRIORITY,
    risk: spec.risk ?? DEFAULT_RISK,
    requires: spec.requires ?? [],
    excludes: spec.excludes ?? [],
    after: spec.after ?? [],
    notBeforeMs: spec.notBefore ? Date.parse(spec.notBefore) : null,
    notAfterMs: spec.notAfter ? Date.parse(spec.notAfter) : null,
    stages: spec.stages.map((stage) => ({
      percent: stage.percent,
      holdMs: parseDuration(stage.hold) ?? 0,
      approve: stage.approve ?? false,
    })),
    guardrails: (spec.guardrails ?? []).map((guardrail) => {
      const { window, ...bounds } = guardrail;
      return { ...bounds, windowMs: parseDuration(window) ?? 0 };
    }),
  };
}
