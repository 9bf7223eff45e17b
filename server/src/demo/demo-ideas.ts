import type { Risk } from '../../../shared/src/spec/spec-schema';
import { DEMO_SETUP_ACTOR, type CrewName, type Team } from './demo-crew';
import { attempt, chance, isFleet, pick, type SimContext } from './demo-sim-context';
import {
  finalPercent,
  GUARDS,
  LAYER_LANES,
  SERVICE_LAYER,
  toSpec,
  type DemoExperiment,
  type Guardrails,
  type LaneMember,
  type Service,
} from './demo-spec-kit';

/** The simulation tops the fleet up to this many open experiments (pending, queued, running, paused). */
export const TOP_UP_TO = 24;
/** A fresh experiment only joins a lane with fewer open members than this, so none grows a long tail. */
const MAX_LANE_BACKLOG = 3;
/** Per step; the emptier the fleet, the likelier someone enqueues. */
const TOP_UP_BASE_PROBABILITY = 0.1;

interface Idea {
  slug: string;
  title: string;
  hypothesis: string;
  service: Service;
  team: Team;
  authors: readonly CrewName[];
  guardrails: Guardrails;
}

const PAYMENTS: CrewName[] = ['maya.chen', 'sofia.rossi'];
const DISCOVERY: CrewName[] = ['lucas.ferreira', 'kenji.watanabe'];
const IDENTITY: CrewName[] = ['aisha.okafor', 'ravi.kumar'];
const GROWTH: CrewName[] = ['tom.becker', 'nina.patel'];

const idea = (
  slug: string,
  service: Service,
  team: Team,
  authors: CrewName[],
  guardrails: Guardrails,
  title: string,
  hypothesis: string,
): Idea => ({
  slug,
  title,
  hypothesis,
  service,
  team,
  authors,
  guardrails,
});

/**
 * What teams enqueue during the day. Each idea is tried per platform or region (`-ios`, `-eu`…),
 * and comes back as -v2, -v3… once those are used up: keys are never reused.
 */
const IDEAS: readonly Idea[] = [
  idea(
    'checkout-guest-email-first',
    'checkout',
    'payments',
    PAYMENTS,
    GUARDS.ui,
    'Ask guests for their email first',
    'Capturing the email first lets us recover 5% of abandoned guest checkouts',
  ),
  idea(
    'checkout-apple-pay-sheet',
    'checkout',
    'payments',
    PAYMENTS,
    GUARDS.ui,
    'Apple Pay sheet on product pages',
    'Apple Pay straight from the product page converts mobile Safari 4% better',
  ),
  idea(
    'checkout-order-summary-sticky',
    'checkout',
    'growth',
    GROWTH,
    GUARDS.ui,
    'Sticky order summary on mobile',
    'Keeping the total visible while scrolling reduces payment-step drop-off',
  ),
  idea(
    'payments-network-tokens',
    'payments-api',
    'payments',
    PAYMENTS,
    GUARDS.backend,
    'Network tokens for stored cards',
    'Network tokens raise authorisation rates on stored cards by 2 points',
  ),
  idea(
    'payments-smart-routing',
    'payments-api',
    'payments',
    PAYMENTS,
    GUARDS.backend,
    'Route charges to the cheaper acquirer',
    'Cost-aware routing saves 6 bps per charge at the same approval rate',
  ),
  idea(
    'payments-refund-async',
    'payments-api',
    'payments',
    PAYMENTS,
    GUARDS.backend,
    'Asynchronous refunds',
    'Queued refunds stop refund timeouts during acquirer brownouts',
  ),
  idea(
    'search-query-rewrite-llm',
    'search',
    'discovery',
    DISCOVERY,
    GUARDS.ranking,
    'Rewrite long queries before retrieval',
    'Rewriting long natural-language queries lifts conversion on them by 5%',
  ),
  idea(
    'search-personalised-boost',
    'search',
    'discovery',
    DISCOVERY,
    GUARDS.ranking,
    'Boost brands a shopper bought before',
    'A mild boost for previously bought brands raises search conversion by 1%',
  ),
  idea(
    'search-facet-order',
    'search',
    'growth',
    GROWTH,
    GUARDS.latency,
    'Order facets by usage',
    'Facets ordered by how often they are used get clicked twice as often',
  ),
  idea(
    'catalog-variant-grouping',
    'catalog',
    'discovery',
    DISCOVERY,
    GUARDS.backend,
    'Group size and colour variants',
    'Grouping variants into one listing cuts duplicate results by 30%',
  ),
  idea(
    'catalog-stock-realtime',
    'catalog',
    'discovery',
    DISCOVERY,
    GUARDS.backend,
    'Real-time stock levels',
    'Streaming stock levels removes most out-of-stock-at-checkout errors',
  ),
  idea(
    'identity-magic-link',
    'identity',
    'identity',
    IDENTITY,
    GUARDS.ui,
    'Email magic-link sign-in',
    'Magic links bring back 10% of people who forgot their password',
  ),
  idea(
    'identity-device-trust',
    'identity',
    'identity',
    IDENTITY,
    GUARDS.latency,
    'Remember trusted devices for 30 days',
    'Skipping MFA on trusted devices halves MFA prompts without more takeovers',
  ),
  idea(
    'identity-session-anomaly',
    'identity',
    'identity',
    IDENTITY,
    GUARDS.backend,
    'Flag anomalous sessions',
    'Scoring sessions for anomalies catches hijacks within a minute',
  ),
  idea(
    'notifications-price-drop',
    'notifications',
    'growth',
    GROWTH,
    GUARDS.ui,
    'Price-drop alerts for wish-listed items',
    'Price-drop pushes convert 8% of recipients within a day',
  ),
  idea(
    'notifications-batching',
    'notifications',
    'growth',
    GROWTH,
    GUARDS.backend,
    'Batch transactional emails per order',
    'One email per order instead of three cuts unsubscribes by 15%',
  ),
  idea(
    'notifications-rich-push',
    'notifications',
    'growth',
    GROWTH,
    GUARDS.ui,
    'Rich pushes with product images',
    'Images in pushes raise open rates by 20%',
  ),
];

const HOLDS = ['45s', '1m', '1m30s', '2m', '3m'] as const;

const VARIANTS: ReadonlyArray<readonly [suffix: string, label: string]> = [
  ['web', 'web'],
  ['ios', 'iOS'],
  ['android', 'Android'],
  ['eu', 'EU'],
  ['us', 'US'],
  ['apac', 'APAC'],
  ['uk', 'UK'],
  ['latam', 'LATAM'],
];

/** Enqueues a fresh experiment when the fleet runs low, so the queue never runs dry. */
export function topUp(ctx: SimContext): void {
  const fleetOpen = ctx.open.filter((view) => isFleet(ctx, view));
  if (fleetOpen.length >= TOP_UP_TO) return;
  if (!chance(ctx, TOP_UP_BASE_PROBABILITY + (0.5 * (TOP_UP_TO - fleetOpen.length)) / TOP_UP_TO))
    return;
  const members: LaneMember[] = fleetOpen.map((view) => ({
    key: view.key,
    layer: view.layer,
    finalPercent: finalPercent(view.stages),
    ended: false,
    seq: view.seq,
  }));
  const teamCaps = new Map(
    ctx.runway.policy
      .view(DEMO_SETUP_ACTOR)
      .caps.filter((cap) => cap.scope === 'team')
      .map((cap) => [cap.name, cap.maxActive]),
  );
  const openPlaces = IDEAS.flatMap((candidate) => {
    // A capped team runs a few at a time: more in its backlog would only wait for an hour.
    const teamCap = teamCaps.get(candidate.team);
    if (
      teamCap !== undefined &&
      fleetOpen.filter((view) => view.team === candidate.team).length >= teamCap + 1
    )
      return [];
    const layer = SERVICE_LAYER[candidate.service];
    return (LAYER_LANES[layer] ?? [])
      .filter(
        (lanePercent) =>
          members.filter((member) => member.layer === layer && member.finalPercent === lanePercent)
            .length < MAX_LANE_BACKLOG,
      )
      .map((lanePercent) => ({ idea: candidate, lanePercent }));
  });
  // Prefer ideas nobody is trying right now: five regions of one idea in a row reads like spam.
  const untried = openPlaces.filter(
    (place) => !fleetOpen.some((view) => view.key.startsWith(`${place.idea.slug}-`)),
  );
  const places = untried.length > 0 ? untried : openPlaces;
  if (places.length === 0) return;
  const { idea: chosen, lanePercent } = pick(ctx, places);
  const { key, label } = freshKey(ctx, chosen.slug);
  const experiment = planExperiment(ctx, chosen, key, label, lanePercent);
  const spec = toSpec(experiment, ctx.nowMs, members);
  const author = ctx.crew.actor(experiment.author);
  attempt(ctx, key, `${author.name} enqueued ${key}`, () =>
    ctx.runway.experiments.enqueue({ specs: [spec] }, author),
  );
}

/** A key not used before: the idea for one platform or region, then -v2, -v3… of those. */
function freshKey(ctx: SimContext, slug: string): { key: string; label: string } {
  const { experimentStore } = ctx.runway;
  const start = Math.floor(ctx.random() * VARIANTS.length);
  for (let version = 1; ; version++) {
    for (let offset = 0; offset < VARIANTS.length; offset++) {
      const [suffix, label] = VARIANTS[(start + offset) % VARIANTS.length]!;
      const key = version === 1 ? `${slug}-${suffix}` : `${slug}-${suffix}-v${version}`;
      if (!experimentStore.exists(key))
        return { key, label: version === 1 ? label : `${label}, take ${version}` };
    }
  }
}

function planExperiment(
  ctx: SimContext,
  chosen: Idea,
  key: string,
  label: string,
  lanePercent: number,
): DemoExperiment {
  const fractions = chance(ctx, 0.5) ? [0.1, 0.5, 1] : [0.25, 1];
  const percents = fractions.map((fraction) => Math.max(1, Math.round(lanePercent * fraction)));
  const approveLast = percents.length > 2 && chance(ctx, 0.3);
  const stageList = percents.map((percent, index) => ({
    percent,
    hold: pick(ctx, HOLDS),
    ...(approveLast && index === percents.length - 1 ? { approve: true } : {}),
  }));
  const roll = ctx.random();
  const risk: Risk = roll < 0.15 ? 'high' : roll < 0.6 ? 'medium' : 'low';
  // Sometimes builds on work in flight, which makes the graph deeper as the day goes on.
  const buildable = ctx.open.filter(
    (view) =>
      isFleet(ctx, view) &&
      view.service === chosen.service &&
      (view.state === 'running' || view.state === 'queued'),
  );
  const requires = buildable.length > 0 && chance(ctx, 0.25) ? [pick(ctx, buildable).key] : [];
  const excludable = ctx.open.filter(
    (view) =>
      isFleet(ctx, view) &&
      view.state === 'running' &&
      view.team === chosen.team &&
      !requires.includes(view.key),
  );
  const excludes = excludable.length > 0 && chance(ctx, 0.2) ? [pick(ctx, excludable).key] : [];
  const author = pick(ctx, chosen.authors);
  return {
    key,
    title: `${chosen.title} (${label})`,
    hypothesis: chosen.hypothesis,
    service: chosen.service,
    team: chosen.team,
    author,
    priority: 40 + Math.floor(ctx.random() * 41),
    risk,
    stages: stageList,
    guardrails: chosen.guardrails,
    ...(requires.length > 0 ? { requires } : {}),
    ...(excludes.length > 0 ? { excludes } : {}),
  };
}
