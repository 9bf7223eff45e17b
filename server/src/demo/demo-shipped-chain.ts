import type { Runway } from '../runway';
import { DEMO_READER, type Crew, type CrewName } from './demo-crew';
import {
  finalPercent,
  GUARDS,
  stages,
  toSpec,
  type DemoExperiment,
  type LaneMember,
} from './demo-spec-kit';

// A requires chain the demo ships at start-up, so that from the first second there is something
// a release manager can roll back with a visible cascade: the rest of the seeded fleet is only
// queued or just started, and a dependent starts only once its prerequisite has completed.

/** One link of the chain, and the state the seed brings it to. */
export interface ChainLink extends DemoExperiment {
  readonly seededAs: 'completed' | 'running';
  /**
   * For a completed link: the release manager who ramps it through by hand, and why, per step
   * (one reason for each stage after the first, then one for completing).
   */
  readonly shippedBy?: { readonly releaseManager: CrewName; readonly reasons: readonly string[] };
}

/**
 * Per-locale analysis in search, in enqueue order: the analyzers ship first, stemming on them,
 * and compound splitting, which needs both, ramps while the demo runs. Withdrawing the analyzers
 * takes the other two down with them. Healthy: the demo's telemetry only misbehaves for the
 * experiments it designates or picks in a turn, and their start and completion come before the
 * first turn, so the bake of the shipped two passes and the running one ramps on its guardrails.
 */
export const SHIPPED_CHAIN: readonly ChainLink[] = [
  {
    key: 'search-locale-analyzers',
    title: 'Per-locale text analyzers in the search index',
    hypothesis:
      'Analyzing each locale with its own tokenizer and stop words keeps search errors and p99 latency flat',
    service: 'search',
    team: 'discovery',
    author: 'lucas.ferreira',
    priority: 78,
    risk: 'medium',
    stages: stages([5, '1m'], [20, '1m30s'], [50, '2m']),
    guardrails: GUARDS.backend,
    seededAs: 'completed',
    shippedBy: {
      releaseManager: 'omar.haddad',
      reasons: [
        'Shadow-indexed against mirrored production queries before it was enqueued; ramping by hand instead of waiting out the holds',
        'Continuing the hand ramp to 50%, as agreed in the search change review',
        'Completing by hand: every locale gets its own analyzer; the guardrails watch the bake',
      ],
    },
  },
  {
    key: 'search-locale-stemming',
    title: 'Locale-aware stemming for French, German and Spanish queries',
    hypothesis:
      "Stemming queries with the shopper's locale analyzer cuts zero-result searches in FR, DE and ES by a fifth",
    service: 'search',
    team: 'discovery',
    author: 'kenji.watanabe',
    owner: 'lucas.ferreira',
    priority: 72,
    risk: 'medium',
    requires: ['search-locale-analyzers'],
    stages: stages([10, '1m'], [30, '2m']),
    guardrails: GUARDS.ranking,
    seededAs: 'completed',
    shippedBy: {
      releaseManager: 'grace.lin',
      reasons: [
        'Stemming rules were shadow-tested together with the analyzers it requires, which just shipped; ramping by hand',
        'Completing by hand with the analyzers; the guardrails watch the bake',
      ],
    },
  },
  {
    key: 'search-compound-splitting',
    title: 'Split German and Dutch compound words in queries',
    hypothesis:
      'Splitting compounds like "Kinderfahrradhelm" into their parts lifts German and Dutch search conversion by 3%',
    service: 'search',
    team: 'discovery',
    author: 'kenji.watanabe',
    priority: 66,
    risk: 'medium',
    requires: ['search-locale-stemming'],
    // The longest holds in the fleet: it is the one ramping for the newcomer's first minutes.
    stages: stages([10, '2m'], [20, '3m', 'approve'], [30, '3m']),
    guardrails: GUARDS.ranking,
    seededAs: 'running',
  },
];

export const SHIPPED_CHAIN_KEYS: ReadonlySet<string> = new Set(
  SHIPPED_CHAIN.map((link) => link.key),
);

/**
 * Enqueues the chain as its authors, lets the scheduler start each link once its prerequisite
 * has completed, and has a release manager ramp the shipped links through by hand (a person may
 * advance past the hold and before guardrail data, DESIGN §4; every other gate still applies).
 * Adds the links to `members` (the shipped ones as ended) so the fleet enqueued after them
 * queues behind the running one in its lane.
 *
 * Runs inside the seed's transaction: every step is a synchronous service call on the same
 * connection, which sees what the steps before it wrote, and nested transactions are savepoints.
 * Should any step be refused, it throws and the whole seed rolls back. The scheduler ticks here
 * see only the chain, which is all the database holds yet.
 */
export function seedShippedChain(
  runway: Runway,
  crew: Crew,
  nowMs: number,
  members: LaneMember[],
): void {
  for (const link of SHIPPED_CHAIN) {
    const spec = toSpec(link, nowMs, members);
    runway.experiments.enqueue({ specs: [spec] }, crew.actor(link.author));
    members.push({
      key: spec.key,
      layer: spec.layer,
      finalPercent: finalPercent(spec.stages),
      ended: false,
      seq: members.length,
    });
  }
  for (const link of SHIPPED_CHAIN) {
    startByScheduler(runway, link.key);
    if (link.seededAs === 'running') continue;
    shipByHand(runway, crew, link);
    const member = members.find((candidate) => candidate.key === link.key)!;
    member.ended = true;
  }
}

function startByScheduler(runway: Runway, key: string): void {
  runway.scheduler.tick();
  const view = runway.experiments.get(key, DEMO_READER);
  if (view.state !== 'running') {
    const reasons = view.blockedReasons.map((reason) => reason.message).join('; ');
    throw new Error(`seeding the demo: the scheduler did not start ${key} (${reasons})`);
  }
}

function shipByHand(runway: Runway, crew: Crew, link: ChainLink): void {
  const { releaseManager, reasons } = link.shippedBy!;
  const actor = crew.actor(releaseManager);
  for (const reason of reasons) {
    const row = runway.experimentStore.get(link.key)!;
    runway.experiments.advance(link.key, row.version, reason, actor);
  }
  const state = runway.experimentStore.get(link.key)?.state;
  if (state !== 'completed')
    throw new Error(`seeding the demo: ${link.key} is ${state} after ramping it through by hand`);
}
