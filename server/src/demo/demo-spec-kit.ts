import type {
  ExperimentSpec,
  GuardrailSpec,
  Risk,
  StageSpec,
} from '../../../shared/src/spec/spec-schema';
import { emailOf, TEAM_CHANNELS, type CrewName, type Team } from './demo-crew';
import type { Scenario } from './demo-scenarios';

export const SERVICES = [
  'checkout',
  'payments-api',
  'search',
  'catalog',
  'identity',
  'notifications',
] as const;
export type Service = (typeof SERVICES)[number];

export const SERVICE_LAYER: Record<Service, string> = {
  checkout: 'checkout-ui',
  'payments-api': 'payments-core',
  search: 'search-ranking',
  catalog: 'search-ranking',
  identity: 'identity-auth',
  notifications: 'messaging',
};

/**
 * Lanes keep the demo from wedging itself. Exposure in a layer is exclusive, and the scheduler
 * checks room only for the next step, so two running experiments that both still need to grow can
 * wait for each other forever. Every multi-stage demo experiment therefore sits in a lane of its
 * layer, named by its final percent; one lane runs one experiment at a time (each member runs
 * `after` the one enqueued before it), and a layer's lanes add up to at most 100%. Only
 * single-stage experiments may over-commit a layer: they never need to grow, so they always finish.
 */
export const LAYER_LANES: Record<string, readonly number[]> = {
  'checkout-ui': [50, 30, 20],
  'payments-core': [100],
  'search-ranking': [50, 30, 20],
  'identity-auth': [100],
  messaging: [60, 40],
};

export type Guardrails = readonly GuardrailSpec[];

/** Guardrail profiles over the SLIs every server seeds (error_rate, latency_p95/p99_ms, conversion). */
export const GUARDS = {
  backend: [
    { sli: 'error_rate', max: 0.01, window: '2m', action: 'rollback' },
    { sli: 'latency_p99_ms', maxRelative: 0.15, window: '2m', action: 'pause' },
  ],
  ui: [
    { sli: 'conversion', minRelative: -0.02, window: '5m', action: 'pause' },
    { sli: 'error_rate', max: 0.02, window: '2m', action: 'rollback' },
  ],
  latency: [
    { sli: 'latency_p95_ms', maxRelative: 0.1, window: '2m', action: 'pause' },
    { sli: 'error_rate', max: 0.02, window: '2m', action: 'rollback' },
  ],
  ranking: [
    { sli: 'conversion', minRelative: -0.03, window: '5m', action: 'pause' },
    { sli: 'latency_p95_ms', maxRelative: 0.1, window: '2m', action: 'pause' },
    { sli: 'error_rate', max: 0.02, window: '2m', action: 'rollback' },
  ],
} as const satisfies Record<string, Guardrails>;

type StageTuple = readonly [percent: number, hold: string, approve?: 'approve'];

/** `stages([5, '30s'], [20, '1m', 'approve'], [50, '1m'])`: short holds so the demo moves in minutes. */
export function stages(...tuples: StageTuple[]): StageSpec[] {
  return tuples.map(([percent, hold, approve]) =>
    approve ? { percent, hold, approve: true } : { percent, hold },
  );
}

/** One demo experiment, before the kit fills in channel, layer, owner email and lane ordering. */
export interface DemoExperiment {
  key: string;
  title: string;
  hypothesis: string;
  service: Service;
  team: Team;
  author: CrewName;
  /** Defaults to the author. */
  owner?: CrewName;
  priority: number;
  risk: Risk;
  stages: StageSpec[];
  guardrails: Guardrails;
  requires?: string[];
  excludes?: string[];
  after?: string[];
  /** Scheduled start, relative to seeding. */
  notBeforeInMs?: number;
  /** The demo's telemetry makes this one misbehave once it runs (see demo-scenarios.ts). */
  scenario?: Scenario;
}

/** What the kit needs to know about experiments already enqueued to place a new one in its lane. */
export interface LaneMember {
  key: string;
  layer: string;
  finalPercent: number;
  ended: boolean;
  seq: number;
}

export function finalPercent(stageList: readonly { percent: number }[]): number {
  return stageList[stageList.length - 1]?.percent ?? 0;
}

/**
 * The experiment a newcomer to a lane runs after: the lane's most recently enqueued member that
 * has not ended. Null when the lane is free.
 */
export function lanePredecessor(
  layer: string,
  lanePercent: number,
  members: readonly LaneMember[],
): string | null {
  let last: LaneMember | null = null;
  for (const candidate of members) {
    if (candidate.ended || candidate.layer !== layer || candidate.finalPercent !== lanePercent)
      continue;
    if (!last || candidate.seq > last.seq) last = candidate;
  }
  return last?.key ?? null;
}

/** The spec as a team would write it, with lane ordering added to `after` where needed. */
export function toSpec(
  experiment: DemoExperiment,
  nowMs: number,
  members: readonly LaneMember[],
): ExperimentSpec {
  const layer = SERVICE_LAYER[experiment.service];
  const requires = experiment.requires ?? [];
  const after = [...(experiment.after ?? [])];
  const isSingleStage = experiment.stages.length === 1;
  const predecessor = isSingleStage
    ? null
    : lanePredecessor(layer, finalPercent(experiment.stages), members);
  // A prerequisite already orders the two: it must complete first.
  if (predecessor && !requires.includes(predecessor) && !after.includes(predecessor))
    after.push(predecessor);
  return {
    key: experiment.key,
    title: experiment.title,
    owner: emailOf(experiment.owner ?? experiment.author),
    team: experiment.team,
    channel: TEAM_CHANNELS[experiment.team],
    hypothesis: experiment.hypothesis,
    service: experiment.service,
    layer,
    priority: experiment.priority,
    risk: experiment.risk,
    ...(requires.length > 0 ? { requires } : {}),
    ...(experiment.excludes?.length ? { excludes: experiment.excludes } : {}),
    ...(after.length > 0 ? { after } : {}),
    ...(experiment.notBeforeInMs !== undefined
      ? { notBefore: wholeMinuteIso(nowMs + experiment.notBeforeInMs) }
      : {}),
    stages: experiment.stages,
    guardrails: experiment.guardrails.map((guardrail) => ({ ...guardrail })),
  };
}

/** A schedule the way people write one: on the next whole minute, without milliseconds. */
function wholeMinuteIso(atMs: number): string {
  return new Date(Math.ceil(atMs / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
}
