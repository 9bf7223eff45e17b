import { GUARDS, stages, type DemoExperiment } from './demo-spec-kit';

// The search, catalog and notifications part of the demo fleet, in enqueue order (see
// demo-fleet-commerce.ts).

const searchRanking: DemoExperiment[] = [
  {
    key: 'search-typo-tolerance',
    title: 'Typo-tolerant query matching',
    hypothesis: 'Matching within one edit of the query recovers 30% of zero-result searches',
    service: 'search', team: 'discovery', author: 'lucas.ferreira', priority: 75, risk: 'low',
    stages: stages([25, '1m'], [35, '1m30s'], [50, '2m']),
    guardrails: GUARDS.ranking,
  },
  {
    key: 'search-promoted-listings',
    title: 'Promoted listings in the first results row',
    hypothesis: 'One promoted slot in the first row earns ad revenue without lowering search conversion',
    service: 'search', team: 'growth', author: 'tom.becker', priority: 74, risk: 'medium',
    stages: stages([10, '1m'], [20, '2m']),
    guardrails: GUARDS.ranking,
  },
  {
    // Single stage on purpose: it may take a big slice of the layer because it never grows.
    key: 'search-results-dense-grid',
    title: 'Dense grid layout for search results',
    hypothesis: 'Showing 18 results above the fold instead of 12 raises click-through on long-tail queries',
    service: 'search', team: 'discovery', author: 'kenji.watanabe', priority: 72, risk: 'low',
    stages: stages([70, '3m']),
    guardrails: GUARDS.ui,
  },
  {
    key: 'search-spellcheck-v2',
    title: 'Did-you-mean spellcheck v2',
    hypothesis: 'A context-aware did-you-mean raises search conversion by 2%',
    service: 'search', team: 'discovery', author: 'kenji.watanabe', priority: 68, risk: 'medium',
    // Both rewrite the query: together, neither readout can be trusted.
    excludes: ['search-typo-tolerance'],
    stages: stages([10, '1m'], [30, '2m']),
    guardrails: GUARDS.ranking,
  },
  {
    key: 'catalog-attribute-embeddings',
    title: 'Attribute embeddings in the catalog indexer',
    hypothesis: 'Embedding product attributes at index time adds under 5% to indexing latency',
    service: 'catalog', team: 'discovery', author: 'lucas.ferreira', priority: 70, risk: 'medium',
    stages: stages([10, '1m'], [50, '2m']),
    guardrails: GUARDS.backend,
  },
  {
    key: 'search-vector-index',
    title: 'Serve queries from the vector index',
    hypothesis: 'The HNSW vector index answers within the current p95 latency budget',
    service: 'search', team: 'discovery', author: 'lucas.ferreira', priority: 70, risk: 'medium',
    requires: ['catalog-attribute-embeddings'],
    stages: stages([5, '1m'], [25, '1m30s'], [50, '2m']),
    guardrails: GUARDS.latency,
  },
  {
    key: 'search-semantic-ranking',
    title: 'Semantic re-ranking of the top 50 results',
    hypothesis: 'Re-ranking the top 50 by semantic similarity lifts search conversion by 3%',
    service: 'search', team: 'discovery', author: 'kenji.watanabe', owner: 'lucas.ferreira', priority: 65, risk: 'high',
    requires: ['search-vector-index'],
    stages: stages([10, '1m30s'], [30, '2m', 'approve'], [50, '2m']),
    guardrails: GUARDS.ranking,
  },
  {
    key: 'catalog-price-freshness',
    title: 'Stream price updates into the catalog',
    hypothesis: 'Streaming price changes removes the stale prices behind 2% of cart errors',
    service: 'catalog', team: 'discovery', author: 'kenji.watanabe', priority: 55, risk: 'low',
    stages: stages([10, '1m'], [30, '1m30s']),
    guardrails: GUARDS.backend,
  },
  {
    key: 'catalog-image-cdn-v2',
    title: 'Product images from the new CDN',
    hypothesis: 'AVIF images from the new CDN cut listing-page p95 latency by 150 ms',
    service: 'catalog', team: 'discovery', author: 'lucas.ferreira', priority: 50, risk: 'medium',
    stages: stages([5, '1m'], [20, '1m30s']),
    guardrails: GUARDS.latency,
  },
  {
    key: 'search-semantic-autocomplete',
    title: 'Semantic autocomplete suggestions',
    hypothesis: 'Suggestions from the semantic model get picked 25% more often than prefix matches',
    service: 'search', team: 'discovery', author: 'lucas.ferreira', priority: 60, risk: 'medium',
    requires: ['search-semantic-ranking'],
    stages: stages([5, '1m'], [20, '2m']),
    guardrails: GUARDS.latency,
  },
  {
    key: 'search-zero-results-suggestions',
    title: 'Related categories on zero-result pages',
    hypothesis: 'Suggesting related categories on empty results pages keeps 15% of those sessions alive',
    service: 'search', team: 'discovery', author: 'kenji.watanabe', priority: 45, risk: 'low',
    stages: stages([10, '1m'], [30, '2m']),
    guardrails: GUARDS.ranking,
  },
];

const messaging: DemoExperiment[] = [
  {
    key: 'notifications-provider-failover',
    title: 'Automatic failover between email providers',
    hypothesis: 'Failing over to the secondary provider within a minute keeps delivery above 99.5% during provider outages',
    service: 'notifications', team: 'growth', author: 'tom.becker', priority: 80, risk: 'medium',
    stages: stages([5, '1m'], [25, '1m30s'], [60, '2m']),
    guardrails: GUARDS.backend,
  },
  {
    key: 'notifications-push-reengagement',
    title: 'Push re-engagement for lapsed users',
    hypothesis: 'A single well-timed push brings back 3% of users inactive for 30 days without raising opt-outs',
    service: 'notifications', team: 'growth', author: 'nina.patel', priority: 60, risk: 'low',
    stages: stages([10, '1m'], [40, '2m']),
    guardrails: GUARDS.ui,
  },
  {
    key: 'notifications-digest-v2',
    title: 'Weekly digest v2 with personalised picks',
    hypothesis: 'Personalised picks in the weekly digest double its click-through',
    service: 'notifications', team: 'growth', author: 'nina.patel', owner: 'tom.becker', priority: 65, risk: 'medium',
    requires: ['notifications-provider-failover'],
    // Never two re-engagement campaigns at once: users would get both.
    excludes: ['notifications-push-reengagement'],
    stages: stages([10, '1m'], [30, '2m'], [60, '2m']),
    guardrails: GUARDS.ui,
  },
  {
    key: 'notifications-smart-send-time',
    title: 'Send-time optimisation for the digest',
    hypothesis: 'Sending the digest at each user\'s usual active hour lifts opens by 12%',
    service: 'notifications', team: 'growth', author: 'tom.becker', priority: 55, risk: 'high',
    requires: ['notifications-digest-v2'],
    stages: stages([10, '1m30s'], [60, '2m', 'approve']),
    guardrails: GUARDS.ui,
  },
  {
    key: 'notifications-sms-fallback',
    title: 'SMS fallback for undelivered order updates',
    hypothesis: 'Falling back to SMS when push is not delivered within 10 minutes cuts order-status contacts by 8%',
    service: 'notifications', team: 'growth', author: 'tom.becker', priority: 50, risk: 'medium',
    stages: stages([5, '1m'], [40, '2m']),
    guardrails: GUARDS.backend,
  },
  {
    key: 'notifications-quiet-hours',
    title: 'Respect local quiet hours for marketing pushes',
    hypothesis: 'Holding marketing pushes during local night time lowers opt-outs by 20% at no revenue cost',
    service: 'notifications', team: 'growth', author: 'nina.patel', priority: 45, risk: 'low',
    stages: stages([20, '1m'], [40, '1m30s']),
    guardrails: GUARDS.ui,
  },
  {
    key: 'notifications-in-app-inbox',
    title: 'In-app inbox for order and account messages',
    hypothesis: 'An in-app inbox moves 25% of transactional email reads into the app',
    service: 'notifications', team: 'growth', author: 'nina.patel', owner: 'tom.becker', priority: 40, risk: 'low',
    stages: stages([10, '1m'], [40, '2m']),
    guardrails: GUARDS.ui,
  },
];

export const DISCOVERY_FLEET: readonly DemoExperiment[] = [...searchRanking, ...messaging];
