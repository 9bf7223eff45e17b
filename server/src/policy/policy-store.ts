import { sliSourceInput, type SliSource } from '../../../shared/src/api-schemas';
import type { Db } from '../store/database';

export type CapScope = 'global' | 'service' | 'team';

export interface CapRow {
  scope: CapScope;
  name: string;
  maxActive: number;
}

export interface FreezeRow {
  id: number;
  service: string | null;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string;
  createdAt: number;
  liftedAt: number | null;
  liftedBy: string | null;
}

export interface ServiceSloRow {
  service: string;
  objective: number;
  windowMs: number;
  remainingFraction: number | null;
  burnRate: number | null;
  budgetUpdatedAt: number | null;
  budgetSource: string | null;
}

export interface BudgetPolicyRow {
  minRemainingFraction: number;
  maxBurnRate: number;
}

const SELECT_FREEZE = `SELECT id, service, starts_at AS startsAt, ends_at AS endsAt, reason, created_by AS createdBy,
  created_at AS createdAt, lifted_at AS liftedAt, lifted_by AS liftedBy FROM freeze_windows`;
const SELECT_SLO = `SELECT service, objective, window_ms AS windowMs, remaining_fraction AS remainingFraction,
  burn_rate AS burnRate, budget_updated_at AS budgetUpdatedAt, budget_source AS budgetSource FROM service_slos`;

/** Policy: concurrency caps, freeze windows, error-budget gates and the SLI catalogue. */
export class PolicyStore {
  constructor(private readonly db: Db) {}

  caps(): CapRow[] {
    return this.db
      .prepare(
        'SELECT scope, name, max_active AS maxActive FROM concurrency_caps ORDER BY scope, name',
      )
      .all() as CapRow[];
  }

  setCap(scope: CapScope, name: string, maxActive: number | null): void {
    if (maxActive === null) {
      this.db.prepare('DELETE FROM concurrency_caps WHERE scope = ? AND name = ?').run(scope, name);
      return;
    }
    this.db
      .prepare(
        'INSERT INTO concurrency_caps (scope, name, max_active) VALUES (?, ?, ?) ON CONFLICT(scope, name) DO UPDATE SET max_active = excluded.max_active',
      )
      .run(scope, name, maxActive);
  }

  /** Freezes that have not been lifted and have not ended before `nowMs`. */
  currentAndFutureFreezes(nowMs: number): FreezeRow[] {
    return this.db
      .prepare(`${SELECT_FREEZE} WHERE lifted_at IS NULL AND ends_at > ? ORDER BY starts_at, id`)
      .all(nowMs) as FreezeRow[];
  }

  insertFreeze(freeze: {
    service: string | null;
    startsAt: number;
    endsAt: number;
    reason: string;
    createdBy: string;
    createdAt: number;
  }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO freeze_windows (service, starts_at, ends_at, reason, created_by, created_at) VALUES (@service, @startsAt, @endsAt, @reason, @createdBy, @createdAt)',
        )
        .run(freeze).lastInsertRowid,
    );
  }

  /** Lifts the freezes in force or scheduled for one scope (a service, or global when null). */
  liftFreezes(service: string | null, nowMs: number, liftedBy: string): FreezeRow[] {
    const scope = service === null ? 'service IS NULL' : 'service = @service';
    const rows = this.db
      .prepare(`${SELECT_FREEZE} WHERE lifted_at IS NULL AND ends_at > @now AND ${scope}`)
      .all({ now: nowMs, service }) as FreezeRow[];
    this.db
      .prepare(
        `UPDATE freeze_windows SET lifted_at = @now, lifted_by = @liftedBy WHERE lifted_at IS NULL AND ends_at > @now AND ${scope}`,
      )
      .run({ now: nowMs, liftedBy, service });
    return rows;
  }

  budgetPolicy(): BudgetPolicyRow {
    return this.db
      .prepare(
        'SELECT min_remaining_fraction AS minRemainingFraction, max_burn_rate AS maxBurnRate FROM budget_policy WHERE id = 1',
      )
      .get() as BudgetPolicyRow;
  }

  setBudgetPolicy(policy: BudgetPolicyRow): void {
    this.db
      .prepare(
        'UPDATE budget_policy SET min_remaining_fraction = @minRemainingFraction, max_burn_rate = @maxBurnRate WHERE id = 1',
      )
      .run(policy);
  }

  slos(): ServiceSloRow[] {
    return this.db.prepare(`${SELECT_SLO} ORDER BY service`).all() as ServiceSloRow[];
  }

  slo(service: string): ServiceSloRow | null {
    return (
      (this.db.prepare(`${SELECT_SLO} WHERE service = ?`).get(service) as
        ServiceSloRow | undefined) ?? null
    );
  }

  upsertSlo(service: string, objective: number, windowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO service_slos (service, objective, window_ms) VALUES (?, ?, ?)
        ON CONFLICT(service) DO UPDATE SET objective = excluded.objective, window_ms = excluded.window_ms`,
      )
      .run(service, objective, windowMs);
  }

  setBudget(
    service: string,
    remainingFraction: number,
    burnRate: number,
    at: number,
    source: string,
  ): void {
    this.db
      .prepare(
        `UPDATE service_slos SET remaining_fraction = ?, burn_rate = ?, budget_updated_at = ?, budget_source = ? WHERE service = ?`,
      )
      .run(remainingFraction, burnRate, at, source, service);
  }

  isKnownSli(service: string, name: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM slis WHERE name = ? AND service IN ('*', ?)")
        .get(name, service) !== undefined
    );
  }

  slis(): SliRow[] {
    const rows = this.db
      .prepare(
        'SELECT service, name, description, unit, source_json AS sourceJson FROM slis ORDER BY service, name',
      )
      .all() as StoredSli[];
    return rows.map(toSliRow);
  }

  /** The service's own definition of `name` if it has one, else the catalogue's default ('*'). */
  findSli(service: string, name: string): SliRow | null {
    const row = this.db
      .prepare(
        `SELECT service, name, description, unit, source_json AS sourceJson FROM slis
        WHERE name = ? AND service IN ('*', ?) ORDER BY service = '*' LIMIT 1`,
      )
      .get(name, service) as StoredSli | undefined;
    return row ? toSliRow(row) : null;
  }

  upsertSli(sli: SliRow): void {
    this.db
      .prepare(
        `INSERT INTO slis (service, name, description, unit, source_json)
        VALUES (@service, @name, @description, @unit, @sourceJson)
        ON CONFLICT(service, name) DO UPDATE SET description = excluded.description,
          unit = excluded.unit, source_json = excluded.source_json`,
      )
      .run({
        service: sli.service,
        name: sli.name,
        description: sli.description,
        unit: sli.unit,
        sourceJson: sli.source ? JSON.stringify(sli.source) : null,
      });
  }
}

export interface SliRow {
  service: string;
  name: string;
  description: string;
  unit: string;
  /** How it is computed; null for an SLI defined before sources existed (never passes). */
  source: SliSource | null;
}

interface StoredSli {
  service: string;
  name: string;
  description: string;
  unit: string;
  sourceJson: string | null;
}

function toSliRow({ sourceJson, ...rest }: StoredSli): SliRow {
  // Written only through sliSourceInput, so a stored source always parses.
  return { ...rest, source: sourceJson ? sliSourceInput.parse(JSON.parse(sourceJson)) : null };
}
