import type { SliInput } from '../../../shared/src/api-schemas';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import { checkPromqlTemplate } from '../guardrails/promql-template';
import type { Db } from '../store/database';
import type {
  BudgetPolicyRow,
  CapScope,
  CapRow,
  FreezeRow,
  PolicyStore,
  ServiceSloRow,
  SliRow,
} from './policy-store';

export interface PolicyView {
  caps: CapRow[];
  freezes: FreezeRow[];
  budgetPolicy: BudgetPolicyRow;
  slos: ServiceSloRow[];
  slis: SliRow[];
}

/** Caps, freeze windows, SLOs and error-budget gates (DESIGN §4); every change audited. */
export class PolicyService {
  constructor(
    private readonly db: Db,
    private readonly store: PolicyStore,
    private readonly audit: AuditStore,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
  ) {}

  view(actor: Actor): PolicyView {
    requireRole(actor, 'viewer');
    return {
      caps: this.store.caps(),
      freezes: this.store.currentAndFutureFreezes(this.clock.now()),
      budgetPolicy: this.store.budgetPolicy(),
      slos: this.store.slos(),
      slis: this.store.slis(),
    };
  }

  freeze(
    input: { service: string | null; startsAtMs?: number; untilMs: number; reason: string },
    actor: Actor,
  ): FreezeRow {
    requireRole(actor, 'release-manager');
    const now = this.clock.now();
    const startsAt = input.startsAtMs ?? now;
    if (input.untilMs <= now)
      throw new RunwayError(
        'BAD_REQUEST',
        `until must be in the future (it is ${new Date(input.untilMs).toISOString()})`,
        { issues: [{ path: 'until', message: 'must be in the future' }] },
      );
    if (input.untilMs <= startsAt)
      throw new RunwayError('BAD_REQUEST', 'until must be after the start of the freeze', {
        issues: [{ path: 'until', message: 'must be after startsAt' }],
      });
    return this.write((rows) => {
      const id = this.store.insertFreeze({
        service: input.service,
        startsAt,
        endsAt: input.untilMs,
        reason: input.reason,
        createdBy: actor.name,
        createdAt: now,
      });
      rows.push(
        this.audit.append({
          at: now,
          actor: actor.name,
          action: 'policy.freeze',
          reason: input.reason,
          details: { id, service: input.service, startsAtMs: startsAt, untilMs: input.untilMs },
        }),
      );
      return this.store.currentAndFutureFreezes(now).find((freeze) => freeze.id === id)!;
    });
  }

  unfreeze(input: { service: string | null; reason?: string }, actor: Actor): FreezeRow[] {
    requireRole(actor, 'release-manager');
    const now = this.clock.now();
    return this.write((rows) => {
      const lifted = this.store.liftFreezes(input.service, now, actor.name);
      if (lifted.length === 0) {
        throw new RunwayError(
          'NOT_FOUND',
          input.service
            ? `no freeze in force or scheduled for ${input.service}`
            : 'no global freeze in force or scheduled',
        );
      }
      rows.push(
        this.audit.append({
          at: now,
          actor: actor.name,
          action: 'policy.unfreeze',
          reason: input.reason ?? null,
          details: { service: input.service, lifted: lifted.map((freeze) => freeze.id) },
        }),
      );
      return lifted;
    });
  }

  setCap(
    input: { scope: CapScope; name: string | null; maxActive: number | null },
    actor: Actor,
  ): CapRow[] {
    requireRole(actor, 'admin');
    if (input.scope !== 'global' && !input.name)
      throw new RunwayError('BAD_REQUEST', `a ${input.scope} cap needs a name`, {
        issues: [{ path: 'name', message: `required for scope ${input.scope}` }],
      });
    return this.write((rows) => {
      this.store.setCap(input.scope, input.scope === 'global' ? '*' : input.name!, input.maxActive);
      rows.push(
        this.audit.append({
          at: this.clock.now(),
          actor: actor.name,
          action: 'policy.cap',
          details: { ...input },
        }),
      );
      return this.store.caps();
    });
  }

  setBudgetPolicy(input: BudgetPolicyRow, actor: Actor): BudgetPolicyRow {
    requireRole(actor, 'admin');
    return this.write((rows) => {
      this.store.setBudgetPolicy(input);
      rows.push(
        this.audit.append({
          at: this.clock.now(),
          actor: actor.name,
          action: 'policy.budget-gate',
          details: { ...input },
        }),
      );
      return this.store.budgetPolicy();
    });
  }

  setSlo(
    input: { service: string; objective: number; windowMs: number },
    actor: Actor,
  ): ServiceSloRow {
    requireRole(actor, 'admin');
    return this.write((rows) => {
      this.store.upsertSlo(input.service, input.objective, input.windowMs);
      rows.push(
        this.audit.append({
          at: this.clock.now(),
          actor: actor.name,
          action: 'policy.slo',
          details: { ...input },
        }),
      );
      return this.store.slo(input.service)!;
    });
  }

  /**
   * Sets a service's remaining error budget and burn rate by hand or from an external SLO tool.
   * Where Runway's own telemetry measures the service (budgets/budget-service.ts), the next
   * refresh replaces these figures with the measured ones.
   */
  setBudget(
    input: { service: string; remainingFraction: number; burnRate: number; source?: string },
    actor: Actor,
  ): ServiceSloRow {
    requireRole(actor, 'admin');
    return this.write((rows) => {
      if (!this.store.slo(input.service)) {
        throw new RunwayError(
          'NOT_FOUND',
          `service ${input.service} has no SLO; set one first (e.g. 99.9% over 28d)`,
        );
      }
      const now = this.clock.now();
      this.store.setBudget(
        input.service,
        input.remainingFraction,
        input.burnRate,
        now,
        input.source ?? actor.name,
      );
      rows.push(
        this.audit.append({
          at: now,
          actor: actor.name,
          action: 'policy.budget',
          details: { ...input },
        }),
      );
      return this.store.slo(input.service)!;
    });
  }

  /** Defines (or redefines) an SLI: what it measures and how it is computed from telemetry. */
  defineSli(input: SliInput, actor: Actor): SliRow {
    requireRole(actor, 'admin');
    const { source } = input;
    if (source.kind === 'promql') {
      const issues = (['numeratorQuery', 'denominatorQuery'] as const).flatMap((field) => {
        const problem = checkPromqlTemplate(source[field]);
        return problem ? [{ path: `source.${field}`, message: problem }] : [];
      });
      if (issues.length > 0) {
        throw new RunwayError(
          'BAD_REQUEST',
          issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
          { issues },
        );
      }
    }
    return this.write((rows) => {
      this.store.upsertSli(input);
      rows.push(
        this.audit.append({
          at: this.clock.now(),
          actor: actor.name,
          action: 'policy.sli',
          details: { ...input },
        }),
      );
      return this.store.findSli(input.service, input.name)!;
    });
  }

  private write<T>(body: (rows: AuditRow[]) => T): T {
    const rows: AuditRow[] = [];
    const result = this.db.transaction(() => body(rows))();
    this.feed.publish(rows);
    return result;
  }
}
