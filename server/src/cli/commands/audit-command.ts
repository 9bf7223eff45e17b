import type { Command } from 'commander';
import { parseDuration } from '../../../../shared/src/duration';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { integerOption, timeOption } from '../option-parsers';
import { formatUtc, table } from '../output';

interface AuditOptions {
  experiment?: string;
  actor?: string;
  action?: string;
  since?: (nowMs: number) => number;
  until?: (nowMs: number) => number;
  limit: number;
  verify?: boolean;
}

/**
 * An instant in the past for a time filter: ISO 8601 (UTC unless it names an offset) or a
 * duration back from now ("2h" is two hours ago; looking back is what an audit filter means).
 */
export function pastTimeOption(value: string): (nowMs: number) => number {
  const ago = parseDuration(value.trim());
  if (ago !== null) return (nowMs) => nowMs - ago;
  return timeOption(value);
}

export function registerAuditCommand(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('audit')
      .description('the audit log, oldest first (--verify checks its hash chain instead)')
      .option('--experiment <key>', 'only entries about this experiment')
      .option('--actor <name>', 'only entries by this actor (e.g. runway:scheduler)')
      .option('--action <action>', 'only this action (e.g. experiment.rollback)')
      .option(
        '--since <time>',
        'only entries at or after TIME (ISO 8601, or 2h for two hours ago)',
        pastTimeOption,
      )
      .option(
        '--until <time>',
        'only entries before TIME (ISO 8601, or 30m for 30 minutes ago)',
        pastTimeOption,
      )
      .option('--limit <n>', 'the most recent N entries', integerOption(1, 10_000), 50)
      .option(
        '--verify',
        'verify the hash chain of the whole log: exit 0 when intact, 1 with the first bad row',
      )
      .addHelpText(
        'after',
        `
Each entry shows seq, time (UTC), actor, action, experiment, state change, reason, and cause
(for a rollback cascade, the experiment whose rollback took this one down).`,
      ),
  ).action(
    run(runtime, async (ctx, options: AuditOptions) => {
      const { api } = runtime.connect();
      if (options.verify) {
        const verdict = await api.audit.verify.query();
        ctx.printJson(verdict);
        if (verdict.ok) {
          ctx.print(`audit chain valid: ${verdict.rows} rows`);
          return 0;
        }
        ctx.print(
          `audit chain BROKEN at row ${verdict.seq}: ${verdict.problem}`,
          `(${verdict.rows} rows checked)`,
        );
        return 1;
      }
      const nowMs = Date.now();
      const entries = (
        await api.audit.list.query({
          limit: options.limit,
          ...(options.since ? { sinceMs: options.since(nowMs) } : {}),
          ...(options.until ? { untilMs: options.until(nowMs) } : {}),
          ...(options.experiment ? { experimentKey: options.experiment } : {}),
          ...(options.actor ? { actor: options.actor } : {}),
          ...(options.action ? { action: options.action } : {}),
        })
      ).sort((a, b) => a.seq - b.seq);
      ctx.printJson({ entries });
      if (entries.length === 0) {
        ctx.print('no audit entries match');
        return 0;
      }
      ctx.print(
        ...table(
          ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'KEY', 'CHANGE', 'REASON', 'CAUSE'],
          entries.map((entry) => ({
            cells: [
              String(entry.seq),
              formatUtc(entry.at),
              entry.actor,
              entry.action,
              entry.experimentKey ?? '-',
              entry.toState
                ? `${entry.fromState ?? '(new)'} -> ${entry.toState}`
                : summarizeDetails(entry.details),
              entry.reason ?? '-',
              entry.cause ?? '-',
            ],
          })),
        ),
      );
      return 0;
    }),
  );
}

/** A few scalar details for entries that are not state changes (tokens, policy, users). */
function summarizeDetails(details: Record<string, unknown>): string {
  const parts = Object.entries(details)
    .filter(([, value]) => value !== null && ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, 4)
    .map(([name, value]) => `${name}=${String(value)}`);
  return parts.length > 0 ? parts.join(' ') : '-';
}
