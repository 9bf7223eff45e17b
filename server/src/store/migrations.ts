// Versioned schema migrations, applied in order at start-up inside one transaction each.
// Never edit a migration that has shipped: add a new one.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * The migration rebuilds a table other tables refer to (SQLite cannot alter a CHECK in place):
   * it runs with foreign keys off and is checked with foreign_key_check before it commits, the
   * procedure SQLite documents for schema changes ALTER TABLE cannot make.
   */
  readonly rebuildsReferencedTable?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'experiment queue, policy, auth, idempotency, outbox, audit',
    sql: `
CREATE TABLE experiments (
  key TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  title TEXT NOT NULL,
  owner TEXT NOT NULL,
  team TEXT NOT NULL,
  service TEXT NOT NULL,
  layer TEXT NOT NULL,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 100),
  risk TEXT NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
  state TEXT NOT NULL CHECK (state IN ('draft', 'pending_approval', 'queued', 'running', 'paused', 'completed', 'rolled_back', 'aborted')),
  stage_index INTEGER NOT NULL DEFAULT -1,
  exposure_percent REAL NOT NULL DEFAULT 0,
  stage_started_at INTEGER,
  not_before INTEGER,
  not_after INTEGER,
  author_user_id INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  state_changed_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX experiments_state ON experiments(state);

CREATE TABLE experiment_edges (
  from_key TEXT NOT NULL REFERENCES experiments(key),
  kind TEXT NOT NULL CHECK (kind IN ('requires', 'excludes', 'after')),
  to_key TEXT NOT NULL REFERENCES experiments(key),
  PRIMARY KEY (from_key, kind, to_key)
) WITHOUT ROWID;
CREATE INDEX experiment_edges_to ON experiment_edges(to_key, kind);

CREATE TABLE stage_history (
  id INTEGER PRIMARY KEY,
  experiment_key TEXT NOT NULL REFERENCES experiments(key),
  event TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  stage_index INTEGER NOT NULL,
  exposure_percent REAL NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX stage_history_experiment ON stage_history(experiment_key, id);

CREATE TABLE approvals (
  id INTEGER PRIMARY KEY,
  experiment_key TEXT NOT NULL REFERENCES experiments(key),
  -- -1 approves the experiment itself (risk high); n >= 0 approves the ramp into stage n
  stage_index INTEGER NOT NULL,
  approver_user_id INTEGER NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  UNIQUE (experiment_key, stage_index, approver_user_id)
);

CREATE TABLE guardrail_status (
  experiment_key TEXT NOT NULL REFERENCES experiments(key),
  sli TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'inconclusive', 'no_data')),
  stage_index INTEGER NOT NULL,
  evaluated_at INTEGER NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (experiment_key, sli)
) WITHOUT ROWID;

CREATE TABLE concurrency_caps (
  scope TEXT NOT NULL CHECK (scope IN ('global', 'service', 'team')),
  name TEXT NOT NULL,
  max_active INTEGER NOT NULL CHECK (max_active >= 0),
  PRIMARY KEY (scope, name)
) WITHOUT ROWID;

CREATE TABLE freeze_windows (
  id INTEGER PRIMARY KEY,
  service TEXT,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  lifted_at INTEGER,
  lifted_by TEXT,
  CHECK (ends_at > starts_at)
);

CREATE TABLE budget_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  min_remaining_fraction REAL NOT NULL,
  max_burn_rate REAL NOT NULL
);
INSERT INTO budget_policy (id, min_remaining_fraction, max_burn_rate) VALUES (1, 0.1, 2);

CREATE TABLE service_slos (
  service TEXT PRIMARY KEY,
  objective REAL NOT NULL CHECK (objective > 0 AND objective < 1),
  window_ms INTEGER NOT NULL CHECK (window_ms > 0),
  remaining_fraction REAL,
  burn_rate REAL,
  budget_updated_at INTEGER,
  budget_source TEXT
);

CREATE TABLE slis (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (service, name)
) WITHOUT ROWID;
INSERT INTO slis (service, name, description, unit) VALUES
  ('*', 'error_rate', 'failed requests / all requests', 'ratio'),
  ('*', 'latency_p95_ms', '95th percentile request latency', 'ms'),
  ('*', 'latency_p99_ms', '99th percentile request latency', 'ms'),
  ('*', 'conversion', 'converted sessions / all sessions', 'ratio');

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  email TEXT,
  slack_user_id TEXT UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'release-manager', 'admin')),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  request_hash TEXT NOT NULL,
  response_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,
  dedupe_key TEXT UNIQUE,
  payload_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  experiment_key TEXT,
  from_state TEXT,
  to_state TEXT,
  reason TEXT,
  cause TEXT,
  details_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_experiment ON audit_log(experiment_key, seq);

-- The chain head is kept separately so that deleting the newest rows is detected too.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'covering index for the scheduler snapshot',
    // The scheduler reads these columns of every experiment after any write. Scanning the table
    // reads every spec_json too (most of each row); this index holds only what the scan needs.
    sql: `
CREATE INDEX experiments_snapshot ON experiments(seq, key, version, state, stage_index, exposure_percent, stage_started_at);
`,
  },
  {
    version: 3,
    name: 'flag allocations: the buckets each experiment holds in its layer',
    // One row per experiment that holds buckets (running or paused); released rows are deleted,
    // since a rolled back, aborted or completed experiment serves the same to every unit.
    // ranges_json is a canonical allocation: sorted, disjoint half-open [start, end) ranges.
    sql: `
CREATE TABLE flag_allocations (
  experiment_key TEXT PRIMARY KEY REFERENCES experiments(key),
  layer TEXT NOT NULL,
  ranges_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX flag_allocations_layer ON flag_allocations(layer);
`,
  },
  {
    version: 4,
    name: 'telemetry rollups, cumulative series state, last seen per experiment arm',
    // Raw OTLP points are never kept: each is folded into a fixed window (telemetry-service.ts)
    // keyed by arm, metric, service and window start. kind and explicit_bounds_json are part of
    // the key so that a metric that changes type or histogram buckets never mixes two shapes in
    // one row. The key's column order serves the guardrails' read (one arm's metric over a time
    // range); the other indexes serve one experiment over a time range, and pruning by age.
    // No foreign keys: ingest checks the experiment first, and experiments are never deleted.
    sql: `
CREATE TABLE telemetry_rollups (
  experiment_key TEXT NOT NULL,
  variant TEXT NOT NULL CHECK (variant IN ('treatment', 'control')),
  metric TEXT NOT NULL,
  window_start_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sum', 'gauge', 'histogram')),
  -- histograms: their explicit bounds as a JSON array; '[]' for sums and gauges
  explicit_bounds_json TEXT NOT NULL,
  -- data points folded into this row (every kind)
  point_count INTEGER NOT NULL,
  -- sums: total of the deltas; gauges: sum of the values; histograms: sum of the observations
  -- of the points that reported a sum (summed_count of them)
  value_sum REAL NOT NULL,
  -- histograms only (0 otherwise): observations, and how many of them value_sum covers
  observation_count INTEGER NOT NULL,
  summed_count INTEGER NOT NULL,
  -- gauges: min / max of the values; histograms: min / max when senders reported them
  min_value REAL,
  max_value REAL,
  -- gauges: the value with the latest point time
  last_value REAL,
  last_time_ms INTEGER,
  -- histograms: counts per bucket (one more than the bounds), a JSON array; '[]' otherwise
  bucket_counts_json TEXT NOT NULL,
  PRIMARY KEY (experiment_key, variant, metric, window_start_ms, service, kind, explicit_bounds_json)
) WITHOUT ROWID;
CREATE INDEX telemetry_rollups_experiment_window ON telemetry_rollups(experiment_key, window_start_ms);
CREATE INDEX telemetry_rollups_window ON telemetry_rollups(window_start_ms);

-- The last cumulative point of each series, so cumulative-to-delta survives restarts.
CREATE TABLE telemetry_series (
  series_key TEXT PRIMARY KEY,
  experiment_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sum', 'histogram')),
  start_time_ms INTEGER,
  last_time_ms INTEGER NOT NULL,
  -- the MetricPoint itself: values, counts, buckets and bounds
  last_point_json TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX telemetry_series_last_time ON telemetry_series(last_time_ms);

-- When each experiment arm last sent telemetry, for "telemetry stopped" detection (DESIGN §5).
CREATE TABLE telemetry_last_seen (
  experiment_key TEXT NOT NULL,
  variant TEXT NOT NULL CHECK (variant IN ('treatment', 'control')),
  received_at_ms INTEGER NOT NULL,
  last_point_time_ms INTEGER NOT NULL,
  PRIMARY KEY (experiment_key, variant)
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    name: 'SLI definitions: how each named SLI is computed from telemetry metrics',
    // A ratio SLI is sum(numerator) / sum(denominator) over the arm's sums; a mean SLI is the
    // mean of a histogram metric. The latency percentiles are, for now, the histogram MEAN: a
    // quantile estimator from the buckets is still to come, so these rows are not a p95/p99 yet.
    sql: `
CREATE TABLE sli_definitions (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ratio', 'mean')),
  numerator_metric TEXT,
  denominator_metric TEXT,
  value_metric TEXT,
  PRIMARY KEY (service, name),
  CHECK (kind != 'ratio' OR (numerator_metric IS NOT NULL AND denominator_metric IS NOT NULL)),
  CHECK (kind != 'mean' OR value_metric IS NOT NULL)
) WITHOUT ROWID;
INSERT INTO sli_definitions (service, name, kind, numerator_metric, denominator_metric, value_metric) VALUES
  ('*', 'error_rate', 'ratio', 'runway.requests.errors', 'runway.requests', NULL),
  ('*', 'conversion', 'ratio', 'runway.conversions', 'runway.sessions', NULL),
  ('*', 'latency_p95_ms', 'mean', NULL, NULL, 'runway.request.duration_ms'),
  ('*', 'latency_p99_ms', 'mean', NULL, NULL, 'runway.request.duration_ms');
`,
  },
  {
    version: 6,
    name: 'sli sources in the catalogue',
    // One table for an SLI: what it means (description, unit) and how it is computed (source),
    // so the API defines both at once. Latency percentiles become real quantiles of the
    // histogram; an SLI defined before sources existed has none until someone defines one.
    sql: `
CREATE TABLE slis_v6 (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  unit TEXT NOT NULL,
  source_json TEXT CHECK (source_json IS NULL OR json_valid(source_json)),
  PRIMARY KEY (service, name)
) WITHOUT ROWID;
INSERT INTO slis_v6 (service, name, description, unit, source_json)
SELECT s.service, s.name, s.description, s.unit,
  CASE
    WHEN d.kind = 'ratio' THEN json_object('kind', 'ratio',
      'numeratorMetric', d.numerator_metric, 'denominatorMetric', d.denominator_metric)
    WHEN d.kind = 'mean' AND s.name = 'latency_p95_ms' THEN json_object('kind', 'quantile',
      'metric', d.value_metric, 'quantile', 0.95)
    WHEN d.kind = 'mean' AND s.name = 'latency_p99_ms' THEN json_object('kind', 'quantile',
      'metric', d.value_metric, 'quantile', 0.99)
    WHEN d.kind = 'mean' THEN json_object('kind', 'mean', 'metric', d.value_metric)
    ELSE NULL
  END
FROM slis s LEFT JOIN sli_definitions d ON d.service = s.service AND d.name = s.name;
DROP TABLE sli_definitions;
DROP TABLE slis;
ALTER TABLE slis_v6 RENAME TO slis;
`,
  },
  {
    version: 7,
    name: 'pages: what Runway paged people about, and who acknowledged it',
    // Each page.* outbox message (delivery) gets a page row (state): the console, the tray badge
    // and the Slack bot show the same open pages, and acknowledging one is recorded once.
    // Pages queued before this migration are carried over as open: nobody acknowledged them.
    sql: `
CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('guardrail', 'telemetry_lost', 'rollback')),
  experiment_key TEXT NOT NULL,
  summary TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE INDEX pages_open ON pages (raised_at) WHERE acknowledged_at IS NULL;
CREATE INDEX pages_experiment ON pages (experiment_key, id);
INSERT INTO pages (dedupe_key, kind, experiment_key, summary, raised_at)
SELECT COALESCE(dedupe_key, 'outbox:' || id),
  substr(topic, 6),
  COALESCE(json_extract(payload_json, '$.experimentKey'), json_extract(payload_json, '$.key')),
  CASE topic
    WHEN 'page.rollback' THEN 'rolled back: ' || COALESCE(json_extract(payload_json, '$.reason'), '')
    WHEN 'page.guardrail' THEN 'guardrail ' || COALESCE(json_extract(payload_json, '$.sli'), '?') || ' failed'
    ELSE 'no treatment telemetry for a whole guardrail window'
  END,
  created_at
FROM outbox
WHERE topic IN ('page.rollback', 'page.guardrail', 'page.telemetry_lost')
  AND COALESCE(json_extract(payload_json, '$.experimentKey'), json_extract(payload_json, '$.key')) IS NOT NULL
ORDER BY id;
`,
  },
  {
    version: 8,
    name: "slack requests: the bot's commands and clicks, each acted on once",
    // Slack retries a request it thinks went unanswered, with the same body. Each request is
    // recorded by the SHA-256 of its raw body before it is acted on; a repeat is dropped. Rows
    // older than a day are pruned (Slack retries within minutes).
    sql: `
CREATE TABLE slack_requests (
  request_key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX slack_requests_received ON slack_requests (received_at);
`,
  },
  {
    version: 9,
    name: 'Slack page delivery: message refs per destination, team contacts, escalations',
    // Slack's chat.postMessage has no idempotency key, so "posted" is recorded per (page,
    // destination) the moment Slack answers, and checked before every post: a retried outbox
    // message re-posts only the destinations that have no ref. `rendered` is the state the
    // message shows (experiment version, acknowledgement, escalation), so changes since are
    // found by comparison and the message is updated in place (chat.update on channel + ts).
    sql: `
CREATE TABLE team_contacts (
  team TEXT PRIMARY KEY,
  -- a Slack user ID (U…/W…) or an email resolved with users.lookupByEmail
  secondary TEXT NOT NULL,
  escalate_after_ms INTEGER NOT NULL CHECK (escalate_after_ms > 0),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE slack_page_messages (
  page_id INTEGER NOT NULL REFERENCES pages(id),
  destination TEXT NOT NULL CHECK (destination IN ('owner', 'channel', 'escalation')),
  -- undeliverable: Slack refused it for good (unknown user or channel); never retried
  status TEXT NOT NULL CHECK (status IN ('posted', 'undeliverable')),
  channel TEXT,
  ts TEXT,
  error TEXT,
  rendered TEXT,
  at INTEGER NOT NULL,
  PRIMARY KEY (page_id, destination),
  CHECK ((status = 'posted') = (channel IS NOT NULL AND ts IS NOT NULL))
) WITHOUT ROWID;
CREATE INDEX slack_page_messages_at ON slack_page_messages(at);

-- One row per escalated page: written with its outbox message, so it happens once.
CREATE TABLE page_escalations (
  page_id INTEGER PRIMARY KEY REFERENCES pages(id),
  secondary TEXT NOT NULL,
  escalate_after_ms INTEGER NOT NULL,
  escalated_at INTEGER NOT NULL
);
`,
  },
  {
    version: 10,
    name: 'Slack digests: per-channel schedules and the slots posted',
    // A slot row is inserted in the transaction that claims it (with its outbox message), and
    // (schedule_id, slot_at) is the key: a slot is claimed once however often the server restarts.
    sql: `
CREATE TABLE digest_schedules (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  cron TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  removed_at INTEGER,
  removed_by TEXT
);
CREATE UNIQUE INDEX digest_schedules_channel ON digest_schedules(channel) WHERE removed_at IS NULL;

CREATE TABLE digest_slots (
  schedule_id INTEGER NOT NULL REFERENCES digest_schedules(id),
  slot_at INTEGER NOT NULL,
  -- the digest covers [covers_since, slot_at): from the previous slot (or the schedule's start)
  covers_since INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL,
  channel TEXT,
  ts TEXT,
  posted_at INTEGER,
  PRIMARY KEY (schedule_id, slot_at)
) WITHOUT ROWID;
`,
  },
  {
    version: 11,
    name: 'pages for experiments stuck in a state past a limit',
    rebuildsReferencedTable: true,
    // SQLite cannot change a CHECK constraint in place: the pages table is rebuilt with the new
    // kind, keeping every row and id (Slack delivery refers to pages by id).
    sql: `
CREATE TABLE pages_v11 (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('guardrail', 'telemetry_lost', 'rollback', 'stuck')),
  experiment_key TEXT NOT NULL,
  summary TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
INSERT INTO pages_v11 (id, dedupe_key, kind, experiment_key, summary, raised_at, acknowledged_at, acknowledged_by)
SELECT id, dedupe_key, kind, experiment_key, summary, raised_at, acknowledged_at, acknowledged_by FROM pages;
DROP TABLE pages;
ALTER TABLE pages_v11 RENAME TO pages;
CREATE INDEX pages_open ON pages (raised_at) WHERE acknowledged_at IS NULL;
CREATE INDEX pages_experiment ON pages (experiment_key, id);
`,
  },
  {
    version: 12,
    name: "Slack digests scoped to one team's or service's experiments",
    // Both NULL: the whole fleet, which is what every schedule stored before meant. ADD COLUMN
    // keeps every row and id (digest_slots refers to schedules by id), so nothing is rebuilt.
    sql: `
ALTER TABLE digest_schedules ADD COLUMN scope_kind TEXT CHECK (scope_kind IN ('team', 'service'));
ALTER TABLE digest_schedules ADD COLUMN scope_name TEXT
  CHECK ((scope_kind IS NULL) = (scope_name IS NULL) AND length(scope_name) BETWEEN 1 AND 100);
`,
  },
];
