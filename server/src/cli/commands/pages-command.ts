import type { Command } from 'commander';
import type { PageView } from '../../../../shared/src/api-types';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { integerOption } from '../option-parsers';
import { formatWhen, table } from '../output';

interface PagesOptions {
  all?: boolean;
  experiment?: string;
  limit: number;
}

export function registerPagesCommand(program: Command, runtime: CliRuntime): void {
  const pages = withJson(
    program
      .command('pages')
      .description('pages Runway raised (open ones unless --all); `pages ack ID` acknowledges one')
      .option('--all', 'acknowledged pages too')
      .option('--experiment <key>', 'only pages about this experiment')
      .option('--limit <n>', 'the most recent N pages', integerOption(1, 1_000), 50),
  ).action(
    run(runtime, async (ctx, options: PagesOptions) => {
      const { api } = runtime.connect();
      const rows = await api.pages.list.query({
        limit: options.limit,
        ...(options.all ? {} : { open: true }),
        ...(options.experiment ? { experimentKey: options.experiment } : {}),
      });
      ctx.printJson({ pages: rows });
      if (rows.length === 0) {
        ctx.print(options.all ? 'no pages match' : 'no open pages');
        return 0;
      }
      ctx.print(...pagesTable(rows, Date.now()));
      return 0;
    }),
  );
  withJson(
    pages
      .command('ack')
      .description('acknowledge a page: you are on it (operator role or higher)')
      .argument(
        '<id>',
        'the page id, as `runway pages` lists it',
        integerOption(1, Number.MAX_SAFE_INTEGER),
      ),
  ).action(
    run(runtime, async (ctx, id: number) => {
      const { api } = runtime.connect();
      const page = await api.pages.acknowledge.mutate({ id });
      ctx.printJson({ page });
      ctx.print(
        `page ${page.id} (${page.kind}, ${page.experimentKey}) acknowledged by ${page.acknowledgedBy} ` +
          formatWhen(page.acknowledgedAtMs ?? Date.now(), Date.now()),
      );
      return 0;
    }),
  );
}

function pagesTable(rows: readonly PageView[], nowMs: number): string[] {
  return table(
    ['ID', 'RAISED', 'KIND', 'KEY', 'OWNER', 'ACKNOWLEDGED', 'SUMMARY'],
    rows.map((page) => ({
      cells: [
        String(page.id),
        formatWhen(page.raisedAtMs, nowMs),
        page.kind,
        page.experimentKey,
        page.owner || '-',
        page.acknowledgedBy ?? '-',
        page.summary,
      ],
    })),
  );
}
