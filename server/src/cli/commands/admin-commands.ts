import { Option, type Command } from 'commander';
import { ROLES } from '../../../../shared/src/roles';
import { run, withJson, type CliRuntime } from '../cli-runtime';

export function registerAdminCommands(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('whoami')
      .description('who your token belongs to, its role, and which server you talk to'),
  ).action(
    run(runtime, async (ctx) => {
      const { api, url, token } = runtime.connect();
      const me = await api.auth.whoami.query();
      ctx.printJson({ ...me, url, tokenFrom: token.from });
      ctx.print(`${me.name} (${me.role}) at ${url}`, `token from ${token.from}`);
      return 0;
    }),
  );

  const tokenCommand = program.command('token').description('API tokens (admin)');
  withJson(
    tokenCommand
      .command('create')
      .description('create an API token, printed once; creates the user if new (admin)')
      .requiredOption('--name <name>', 'the user the token acts as (letters, digits, . _ @ -)')
      .addOption(
        new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory(),
      )
      .option('--email <email>', "the user's email (for pages and Slack linking)")
      .addHelpText(
        'after',
        `
Roles: viewer (read), operator (also pause, resume, rollback, enqueue), release-manager (also
approve, advance, abort, freeze), admin (also users, tokens, policy).`,
      ),
  ).action(
    run(
      runtime,
      async (ctx, options: { name: string; role: (typeof ROLES)[number]; email?: string }) => {
        const created = await runtime.connect().api.auth.createToken.mutate({
          name: options.name,
          role: options.role,
          ...(options.email ? { email: options.email } : {}),
        });
        ctx.printJson(created);
        ctx.print(
          `created a ${created.role} token for ${created.user}:`,
          '',
          `  ${created.token}`,
          '',
          'Store it now (a password manager, or your CI secret store as RUNWAY_TOKEN): it is shown only once and cannot be recovered.',
        );
        return 0;
      },
    ),
  );

  const userCommand = program.command('user').description('Runway users (admin)');
  withJson(
    userCommand
      .command('link')
      .description('link a Runway user to a Slack user, so pages and approvals reach them (admin)')
      .argument('<name>', 'the Runway user (as in `runway token create --name`)')
      .requiredOption('--slack <user-id>', 'the Slack user ID, like U012ABCDEF')
      .option('--email <email>', "the user's email"),
  ).action(
    run(runtime, async (ctx, name: string, options: { slack: string; email?: string }) => {
      const user = await runtime.connect().api.auth.linkUser.mutate({
        name,
        slackUserId: options.slack,
        ...(options.email ? { email: options.email } : {}),
      });
      ctx.printJson(user);
      ctx.print(
        `linked ${name} to Slack user ${options.slack}${options.email ? ` (${options.email})` : ''}`,
      );
      return 0;
    }),
  );
}
