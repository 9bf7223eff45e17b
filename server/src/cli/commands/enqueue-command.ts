import type { Command } from 'commander';
import { CliError } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { errorCode, toCliError } from '../client';
import { plural, reasonLabel, table } from '../output';
import { readSpecFile } from '../spec-files';

export function registerEnqueueCommand(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('enqueue')
      .description(
        'enqueue every spec in a file, all or nothing (from CI); prints each state and what blocks it',
      )
      .argument(
        '<file>',
        'a spec file: YAML (several documents separated by ---) or JSON (an object or an array)',
      )
      .option(
        '--idempotency-key <key>',
        'repeat-safe: the same key with the same file returns the first result instead of failing',
      )
      .option('--draft', 'enqueue as drafts (not scheduled until submitted)')
      .addHelpText(
        'after',
        `
High-risk experiments wait in pending_approval until someone other than their author runs
\`runway approve\`. In CI, pass the commit SHA as --idempotency-key so a retried job does not fail
on keys it already enqueued.`,
      ),
  ).action(
    run(
      runtime,
      async (ctx, file: string, options: { idempotencyKey?: string; draft?: boolean }) => {
        const loaded = readSpecFile(file);
        if (loaded.issues.length > 0) {
          throw new CliError('SPEC_INVALID', `cannot read specs from ${file}`, {
            issues: loaded.issues,
            issuePrefix: `${file}: `,
          });
        }
        const { api, url, token } = runtime.connect();
        let result;
        try {
          result = await api.experiments.enqueue.mutate({
            specs: loaded.documents,
            ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
            ...(options.draft ? { draft: true } : {}),
          });
        } catch (error) {
          const failure = toCliError(error, { url, token });
          if (errorCode(error) !== 'SPEC_INVALID' && errorCode(error) !== 'KEY_EXISTS')
            throw failure;
          const count = failure.issues.length;
          throw new CliError(
            failure.code,
            `${file} was not enqueued (nothing was)${count > 0 ? `: ${plural(count, 'problem')}` : `: ${failure.message}`}`,
            {
              issues: failure.issues,
              details: { ...failure.details },
              issuePrefix: `${file}: `,
            },
          );
        }
        // The enqueue answer is the durable result (for a replay, the original one); the current
        // state and what blocks each experiment come from reading it back.
        const rows = await Promise.all(
          result.experiments.map(async (entry) => {
            const current = await api.experiments.get.query({ key: entry.key });
            return {
              key: entry.key,
              state: current.state,
              version: current.version,
              blockedReasons: current.blockedReasons,
            };
          }),
        );
        ctx.printJson({ ...result, current: rows });
        if (ctx.json) return 0;
        if (result.replayed) {
          ctx.print(
            `already enqueued by an earlier request with idempotency key "${options.idempotencyKey}"; nothing changed. Current states:`,
          );
        } else {
          ctx.print(`enqueued ${plural(result.experiments.length, 'experiment')} from ${file}`);
        }
        ctx.print(
          ...table(
            ['KEY', 'STATE', 'VERSION'],
            rows.map((experiment) => ({
              cells: [experiment.key, experiment.state, String(experiment.version)],
              notes: experiment.blockedReasons.map(
                (reason) => `${reasonLabel(experiment.state)}: ${reason.message}`,
              ),
            })),
          ),
        );
        return 0;
      },
    ),
  );
}
