import type { Command } from 'commander';
import { parseDigestSchedule } from '../../../../bot/src/digest-schedule-parser';
import { digestScopeLabel } from '../../../../bot/src/digests/digest-scope';
import { usageError } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { formatWhen, table } from '../output';

// Slack digests from the terminal: the same schedules `/runway digest here …` sets, in the same
// words, for a channel named by ID or #name (the bot posts there once it is invited).

const SCHEDULE_HELP = `
SCHEDULE is written as in Slack's \`/runway digest here\`:
  daily 09:00 | weekdays 09:00 | weekly mon 09:00 | a cron like "0 9 * * 1-5"
optionally followed by an IANA time zone (default UTC) and by
"for team NAME" or "for service NAME" to keep the digest to those experiments.

Examples:
  runway digest set '#payments-releases' weekdays 09:00 Europe/Berlin for team payments
  runway digest set C0123ABCD "0 8 * * 1"`;

export function registerDigestCommands(program: Command, runtime: CliRuntime): void {
  const digest = program
    .command('digest')
    .description("Slack channels' scheduled digests (what happened, what waits, budgets, pages)");

  withJson(
    digest
      .command('set')
      .description(
        "post a digest to a Slack channel on a schedule; replaces the channel's (operator)",
      )
      .argument('<channel>', 'the Slack channel: an ID like C0123ABCD, or #name')
      .argument('<schedule...>', 'when, in which time zone, and about whom (see below)')
      .addHelpText('after', SCHEDULE_HELP),
  ).action(
    run(runtime, async (ctx, channel: string, words: string[]) => {
      const parsed = parseDigestSchedule(words.join(' '));
      if (!parsed.ok) throw usageError(parsed.problem, 'see `runway digest set --help`');
      const { cron, timeZone, scope, description } = parsed.schedule;
      const schedule = await runtime
        .connect()
        .api.digests.schedule.mutate({ channel, cron, timeZone, ...(scope ? { scope } : {}) });
      ctx.printJson({ schedule });
      const next =
        schedule.nextRunAtMs === null
          ? 'never fires again'
          : `next ${formatWhen(schedule.nextRunAtMs, Date.now())}`;
      const empty =
        schedule.scope && schedule.experimentsInScope === 0
          ? `; no experiments for ${digestScopeLabel(schedule.scope)} yet`
          : '';
      ctx.print(
        `digest for ${schedule.channel}: ${description}, cron "${schedule.cron}", ${digestScopeLabel(schedule.scope)}; ${next}${empty}`,
      );
      return 0;
    }),
  );

  withJson(
    digest
      .command('remove')
      .description("stop a Slack channel's digest (operator; a channel without one is NOT_FOUND)")
      .argument('<channel>', 'the Slack channel: an ID like C0123ABCD, or #name'),
  ).action(
    run(runtime, async (ctx, channel: string) => {
      const removed = await runtime.connect().api.digests.unschedule.mutate({ channel });
      ctx.printJson({ removed });
      ctx.print(
        `removed the digest for ${removed.channel} (cron "${removed.cron}", ${removed.timeZone}, ${digestScopeLabel(removed.scope)})`,
      );
      return 0;
    }),
  );

  withJson(
    digest.command('list').description('every channel with a digest, and when it posts next'),
  ).action(
    run(runtime, async (ctx) => {
      const schedules = await runtime.connect().api.digests.list.query();
      ctx.printJson({ schedules });
      if (schedules.length === 0) {
        ctx.print(
          'no channel has a digest (runway digest set CHANNEL SCHEDULE, or /runway digest here in Slack)',
        );
        return 0;
      }
      const now = Date.now();
      ctx.print(
        ...table(
          ['CHANNEL', 'CRON', 'TIME ZONE', 'ABOUT', 'NEXT', 'SET BY'],
          schedules.map((schedule) => ({
            cells: [
              schedule.channel,
              schedule.cron,
              schedule.timeZone,
              digestScopeLabel(schedule.scope),
              schedule.nextRunAtMs === null ? '-' : formatWhen(schedule.nextRunAtMs, now),
              schedule.createdBy,
            ],
          })),
        ),
      );
      return 0;
    }),
  );
}
