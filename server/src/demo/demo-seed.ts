import type { Runway } from '../runway';
import { resolveCrew, type Crew } from './demo-crew';
import { COMMERCE_FLEET } from './demo-fleet-commerce';
import { DISCOVERY_FLEET } from './demo-fleet-discovery';
import { seedShippedChain } from './demo-shipped-chain';
import {
  finalPercent,
  toSpec,
  type DemoExperiment,
  type LaneMember,
  type Service,
} from './demo-spec-kit';

/** The fleet a newcomer sees, in enqueue order (prerequisites before the experiments that name them). */
export const DEMO_FLEET: readonly DemoExperiment[] = [...COMMERCE_FLEET, ...DISCOVERY_FLEET];

const DAY_MS = 86_400_000;

/**
 * Service SLOs and where their error budgets stand this morning: identity burned most of its
 * budget in last night's credential-stuffing attack. Once the demo's telemetry measures a
 * service, Runway computes its budget from that instead.
 */
const SERVICE_HEALTH: Record<
  Service,
  { objective: number; remainingFraction: number; burnRate: number }
> = {
  checkout: { objective: 0.999, remainingFraction: 0.62, burnRate: 0.8 },
  'payments-api': { objective: 0.9995, remainingFraction: 0.41, burnRate: 1.1 },
  search: { objective: 0.999, remainingFraction: 0.77, burnRate: 0.5 },
  catalog: { objective: 0.995, remainingFraction: 0.55, burnRate: 0.9 },
  identity: { objective: 0.9995, remainingFraction: 0.04, burnRate: 1.6 },
  notifications: { objective: 0.99, remainingFraction: 0.68, burnRate: 0.7 },
};

const FROZEN_SERVICE: Service = 'catalog';
const FREEZE_MS = 20 * 60_000;
const CAPPED_TEAM = 'growth';
const CAPPED_TEAM_MAX_ACTIVE = 2;

/**
 * Seeds the demo through the real services, as the demo crew, in one transaction: a half-seeded
 * demo would stay half-seeded, since seeding is skipped once any experiment exists. The shipped
 * chain comes first (see demo-shipped-chain.ts): its scheduler ticks must see only the chain.
 * Listeners of the change feed hear of the seed's changes before it commits (as of any change
 * made inside an outer transaction); they only count them or schedule work for after the seed
 * has returned, and a seed that fails stops the server (`runway serve` exits on DEMO_FAILED).
 */
export function seedFleet(runway: Runway): { created: number; skipped: boolean } {
  const counts = runway.experimentStore.countByState();
  if (Object.values(counts).some((count) => count > 0)) return { created: 0, skipped: true };
  return runway.db.transaction(() => {
    const crew = resolveCrew(runway, { create: true });
    const nowMs = runway.clock.now();
    seedPolicy(runway, crew, nowMs);
    const members: LaneMember[] = [];
    seedShippedChain(runway, crew, nowMs, members);
    for (const experiment of DEMO_FLEET) {
      const spec = toSpec(experiment, nowMs, members);
      runway.experiments.enqueue({ specs: [spec] }, crew.actor(experiment.author));
      members.push({
        key: spec.key,
        layer: spec.layer,
        finalPercent: finalPercent(spec.stages),
        ended: false,
        seq: members.length,
      });
    }
    return { created: members.length, skipped: false };
  })();
}

function seedPolicy(runway: Runway, crew: Crew, nowMs: number): void {
  const admin = crew.actor('ines.moreau');
  const exporter = crew.actor('slo-exporter');
  for (const service of Object.keys(SERVICE_HEALTH) as Service[]) {
    const health = SERVICE_HEALTH[service];
    runway.policy.setSlo({ service, objective: health.objective, windowMs: 28 * DAY_MS }, admin);
    runway.policy.setBudget(
      {
        service,
        remainingFraction: health.remainingFraction,
        burnRate: health.burnRate,
        source: 'slo-exporter (28d window)',
      },
      exporter,
    );
  }
  runway.policy.setCap(
    { scope: 'team', name: CAPPED_TEAM, maxActive: CAPPED_TEAM_MAX_ACTIVE },
    admin,
  );
  runway.policy.freeze(
    {
      service: FROZEN_SERVICE,
      untilMs: nowMs + FREEZE_MS,
      reason:
        'CHG-4471: catalog database failover drill in progress, no catalog changes until the drill is signed off',
    },
    crew.actor('dana.whitfield'),
  );
}
