import { mulberry32 as rng } from '../../shared/src/seeded-random';

/**
 * A deterministic, realistic fleet of experiment specs for the benchmarks: a mix of services,
 * teams and layers; experiments grouped into programs (a team's related launches) whose
 * requires/after edges point to earlier experiments of the same program (so the graph is
 * acyclic, like one built by real enqueues); excludes between experiments sharing a surface.
 */

const SERVICES = [
  ['checkout', 'payments'],
  ['payments-api', 'payments'],
  ['search', 'discovery'],
  ['recommendations', 'discovery'],
  ['catalog', 'catalog'],
  ['pricing', 'catalog'],
  ['accounts', 'identity'],
  ['auth', 'identity'],
  ['notifications', 'growth'],
  ['onboarding', 'growth'],
  ['mobile-api', 'mobile'],
  ['web-frontend', 'web'],
] as const;

const SURFACES = ['ui', 'api', 'ranking', 'copy', 'flow'] as const;

const STAGE_PLANS: ReadonlyArray<
  ReadonlyArray<{ percent: number; hold: string; approve?: boolean }>
> = [
  [
    { percent: 1, hold: '30m' },
    { percent: 10, hold: '2h' },
    { percent: 50, hold: '4h' },
    { percent: 100, hold: '1d' },
  ],
  [
    { percent: 5, hold: '10m' },
    { percent: 25, hold: '10m' },
    { percent: 100, hold: '10m' },
  ],
  [
    { percent: 10, hold: '15m' },
    { percent: 50, hold: '1h', approve: true },
  ],
  [
    { percent: 2, hold: '20m' },
    { percent: 20, hold: '20m' },
  ],
  [
    { percent: 1, hold: '1h', approve: true },
    { percent: 5, hold: '1h' },
    { percent: 20, hold: '1h' },
  ],
];

export interface FleetSpec {
  key: string;
  title: string;
  owner: string;
  team: string;
  service: string;
  layer: string;
  priority: number;
  risk: 'low' | 'medium' | 'high';
  stages: Array<{ percent: number; hold: string; approve?: boolean }>;
  requires?: string[];
  excludes?: string[];
  after?: string[];
  guardrails?: Array<{ sli: string; max: number; window: string; action: 'pause' | 'rollback' }>;
  hypothesis?: string;
  notBefore?: string;
}

export interface FleetOptions {
  /** How many experiments. */
  count: number;
  /** Exactly this many dependency edges (requires + excludes + after) in total. */
  edges: number;
  seed: number;
  /** Key prefix, so fleets for different runs never collide. */
  prefix?: string;
  /** Experiments of one program: requires/after stay inside it. */
  programSize?: number;
  /** Share of high-risk specs (they wait in pending_approval). */
  highRiskShare?: number;
  /** Share of specs with guardrails. */
  guardrailShare?: number;
  /** Base instant for notBefore (a few specs open their window later). */
  nowMs?: number;
}

export function keyFor(prefix: string, index: number): string {
  return `${prefix}-${String(index).padStart(5, '0')}`;
}

/**
 * Specs in enqueue order. Every reference points to an earlier spec, so they can be enqueued
 * in order, in batches.
 */
export function generateFleet(options: FleetOptions): FleetSpec[] {
  const random = rng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const prefix = options.prefix ?? 'exp';
  const programSize = options.programSize ?? 25;
  const count = options.count;

  // Degrees first, then top them up or trim them to exactly `edges`.
  const degrees = Array.from({ length: count }, (_, index) =>
    Math.min(index, Math.floor(random() * 7)),
  );
  let total = degrees.reduce((sum, degree) => sum + degree, 0);
  while (total !== options.edges) {
    const index = 1 + Math.floor(random() * (count - 1));
    if (total < options.edges && degrees[index]! < Math.min(8, index)) {
      degrees[index]!++;
      total++;
    } else if (total > options.edges && degrees[index]! > 0) {
      degrees[index]!--;
      total--;
    }
  }

  const specs: FleetSpec[] = [];
  const byLayer = new Map<string, number[]>();
  for (let index = 0; index < count; index++) {
    const program = Math.floor(index / programSize);
    const programStart = program * programSize;
    const [service, team] = SERVICES[program % SERVICES.length]!;
    const surface = pick(SURFACES);
    const layer = `${service}-${surface}-${1 + Math.floor(random() * 4)}`;
    const key = keyFor(prefix, index);
    const stages = pick(STAGE_PLANS).map((stage) => ({ ...stage }));
    const requires = new Set<string>();
    const after = new Set<string>();
    const excludes = new Set<string>();
    const layerMates = byLayer.get(layer) ?? [];
    for (let edge = 0; edge < degrees[index]!; edge++) {
      const roll = random();
      const inProgram = index - programStart;
      let placed = false;
      // requires/after: earlier experiments of the same program, mostly recent ones.
      if (roll < 0.75 && inProgram > 0) {
        for (let attempt = 0; attempt < 6 && !placed; attempt++) {
          const back = 1 + Math.floor(random() * random() * inProgram);
          const target = keyFor(prefix, index - back);
          if (requires.has(target) || after.has(target) || excludes.has(target)) continue;
          (roll < 0.5 ? requires : after).add(target);
          placed = true;
        }
      }
      // excludes: an earlier experiment on the same layer, or anywhere nearby.
      for (let attempt = 0; attempt < 20 && !placed; attempt++) {
        const target =
          layerMates.length > 0 && random() < 0.6
            ? keyFor(prefix, pick(layerMates))
            : keyFor(prefix, Math.max(0, index - 1 - Math.floor(random() * 400)));
        if (target === key || requires.has(target) || after.has(target) || excludes.has(target))
          continue;
        excludes.add(target);
        placed = true;
      }
      // Fallback: the nearest earlier experiment not referenced yet (there are at least `index`).
      for (let back = 1; back <= index && !placed; back++) {
        const target = keyFor(prefix, index - back);
        if (requires.has(target) || after.has(target) || excludes.has(target)) continue;
        excludes.add(target);
        placed = true;
      }
      if (!placed) throw new Error(`fleet generator could not place edge ${edge} of ${key}`);
    }
    layerMates.push(index);
    byLayer.set(layer, layerMates);

    const riskRoll = random();
    const risk =
      riskRoll < (options.highRiskShare ?? 0.03) ? 'high' : riskRoll < 0.5 ? 'low' : 'medium';
    const spec: FleetSpec = {
      key,
      title: `${service} ${surface} experiment ${index}`,
      owner: `${team}-owner-${index % 7}@example.com`,
      team,
      service,
      layer,
      priority: pick([10, 30, 50, 50, 50, 70, 90]),
      risk,
      stages,
      hypothesis: `Changing the ${surface} of ${service} improves conversion without hurting latency.`,
    };
    if (requires.size > 0) spec.requires = [...requires];
    if (excludes.size > 0) spec.excludes = [...excludes];
    if (after.size > 0) spec.after = [...after];
    if (random() < (options.guardrailShare ?? 0.3)) {
      spec.guardrails = [{ sli: 'error_rate', max: 0.01, window: '10m', action: 'rollback' }];
    }
    if (options.nowMs !== undefined && random() < 0.02) {
      spec.notBefore = new Date(options.nowMs + 3 * 86_400_000).toISOString();
    }
    specs.push(spec);
  }
  return specs;
}

export function edgeCount(specs: readonly FleetSpec[]): number {
  return specs.reduce(
    (sum, spec) =>
      sum + (spec.requires?.length ?? 0) + (spec.excludes?.length ?? 0) + (spec.after?.length ?? 0),
    0,
  );
}

export const FLEET_SERVICES = SERVICES;
