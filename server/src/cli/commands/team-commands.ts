import type { Command } from 'commander';
import { formatDuration } from '../../../../shared/src/duration';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { durationOption } from '../option-parsers';
import { formatWhen, table } from '../output';

interface SetContactOptions {
  secondary: string;
  escalateAfter?: number;
}

export function registerTeamCommands(program: Command, runtime: CliRuntime): void {
  const team = program
    .command('team')
    .description("teams' escalation contacts for unacknowledged pages");
  withJson(
    team
      .command('set-contact')
      .description("who a team's pages escalate to when nobody acknowledges them in time (admin)")
      .argument('<team>', 'the team, as experiment specs name it')
      .requiredOption(
        '--secondary <email-or-slack-id>',
        'the secondary contact: an email (looked up in Slack) or a Slack user ID like U012ABCDEF',
      )
      .option(
        '--escalate-after <duration>',
        'how long a page may stay unacknowledged first, like 15m or 1h (default 15m)',
        durationOption,
      ),
  ).action(
    run(runtime, async (ctx, name: string, options: SetContactOptions) => {
      const contact = await runtime.connect().api.teams.setContact.mutate({
        team: name,
        secondary: options.secondary,
        ...(options.escalateAfter ? { escalateAfterMs: options.escalateAfter } : {}),
      });
      ctx.printJson({ contact });
      ctx.print(
        `team ${contact.team}: unacknowledged pages escalate to ${contact.secondary} after ${formatDuration(contact.escalateAfterMs)}`,
      );
      return 0;
    }),
  );
  withJson(team.command('list').description("every team's escalation contact")).action(
    run(runtime, async (ctx) => {
      const contacts = await runtime.connect().api.teams.list.query();
      ctx.printJson({ contacts });
      if (contacts.length === 0) {
        ctx.print('no team has an escalation contact (runway team set-contact TEAM --secondary …)');
        return 0;
      }
      const now = Date.now();
      ctx.print(
        ...table(
          ['TEAM', 'SECONDARY', 'ESCALATE AFTER', 'SET BY', 'SET'],
          contacts.map((contact) => ({
            cells: [
              contact.team,
              contact.secondary,
              formatDuration(contact.escalateAfterMs),
              contact.updatedBy,
              formatWhen(contact.updatedAtMs, now),
            ],
          })),
        ),
      );
      return 0;
    }),
  );
}
