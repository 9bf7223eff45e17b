import type { Command } from 'commander';
import { sliInput, type SliInput, type SliSource } from '../../../../shared/src/api-schemas';
import type { ErrorIssue } from '../../../../shared/src/errors';
import { CliError, usageError } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { readSpecFile } from '../spec-files';
import { fractionOption } from '../option-parsers';

interface DefineSliOptions {
  file?: string;
  service?: string;
  name?: string;
  unit?: string;
  description?: string;
  ratio?: string;
  quantile?: number;
  mean?: boolean;
  metric?: string;
  promqlNumerator?: string;
  promqlDenominator?: string;
}

/** `runway policy define-sli`: SLIs from a YAML/JSON file (config) or from flags (admin). */
export function registerSliCommands(policy: Command, runtime: CliRuntime): void {
  withJson(
    policy
      .command('define-sli')
      .description(
        'define how an SLI is computed, from a file of definitions or from flags (admin)',
      )
      .option('--file <path>', 'YAML or JSON: one definition per document, or a list')
      .option('--service <name>', "the service, or '*' for every service's default")
      .option('--name <sli>', 'the SLI name guardrails refer to, like error_rate')
      .option('--unit <unit>', 'ratio, ms, …', 'ratio')
      .option('--description <text>', 'what it measures', '')
      .option(
        '--ratio <numerator/denominator>',
        'OTLP sums, like runway.requests.errors/runway.requests',
      )
      .option('--quantile <q>', 'a quantile of the --metric histogram, like 0.95', fractionOption())
      .option('--mean', 'the mean of the --metric histogram')
      .option('--metric <name>', 'the OTLP histogram for --quantile or --mean')
      .option('--promql-numerator <query>', 'PromQL with {{experiment}}, {{variant}}, {{range}}')
      .option('--promql-denominator <query>', 'PromQL for the denominator')
      .addHelpText(
        'after',
        `
Examples:
  runway policy define-sli --service checkout --name error_rate \\
    --ratio http.server.errors/http.server.requests
  runway policy define-sli --service search --name latency_p95_ms --unit ms \\
    --quantile 0.95 --metric http.server.duration
  runway policy define-sli --service web --name error_rate \\
    --promql-numerator 'sum(increase(http_errors_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))' \\
    --promql-denominator 'sum(increase(http_requests_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))'
  runway policy define-sli --file slis.yaml`,
      ),
  ).action(
    run(runtime, async (ctx, options: DefineSliOptions) => {
      const definitions = options.file ? readDefinitions(options.file) : [fromFlags(options)];
      const api = runtime.connect().api;
      const defined = [];
      for (const definition of definitions) {
        defined.push(await api.policy.defineSli.mutate(definition));
      }
      ctx.printJson(defined);
      ctx.print(
        ...defined.map(
          (sli) => `defined ${sli.service}/${sli.name}: ${describeSource(sli.source)}`,
        ),
      );
      return 0;
    }),
  );
}

function fromFlags(options: DefineSliOptions): SliInput {
  if (!options.service || !options.name) {
    throw usageError('--service and --name are required (or give --file)');
  }
  const sources: SliSource[] = [];
  if (options.ratio !== undefined) {
    const [numeratorMetric, denominatorMetric, extra] = options.ratio.split('/');
    if (!numeratorMetric || !denominatorMetric || extra !== undefined) {
      throw usageError(`--ratio must be numerator/denominator (got "${options.ratio}")`);
    }
    sources.push({ kind: 'ratio', numeratorMetric, denominatorMetric });
  }
  if (options.quantile !== undefined || options.mean) {
    if (!options.metric) throw usageError('--quantile and --mean need --metric');
    sources.push(
      options.quantile !== undefined
        ? { kind: 'quantile', metric: options.metric, quantile: options.quantile }
        : { kind: 'mean', metric: options.metric },
    );
  }
  if (options.promqlNumerator !== undefined || options.promqlDenominator !== undefined) {
    if (!options.promqlNumerator || !options.promqlDenominator) {
      throw usageError('--promql-numerator and --promql-denominator go together');
    }
    sources.push({
      kind: 'promql',
      numeratorQuery: options.promqlNumerator,
      denominatorQuery: options.promqlDenominator,
    });
  }
  if (sources.length !== 1) {
    throw usageError(
      'give exactly one source: --ratio, --quantile/--mean with --metric, or --promql-*',
    );
  }
  return {
    service: options.service,
    name: options.name,
    unit: options.unit ?? 'ratio',
    description: options.description ?? '',
    source: sources[0]!,
  };
}

/** Every definition in the file, checked before any is sent: a bad file changes nothing. */
function readDefinitions(file: string): SliInput[] {
  const read = readSpecFile(file);
  const issues: ErrorIssue[] = [...read.issues];
  const definitions: SliInput[] = [];
  read.documents.forEach((document, index) => {
    const parsed = sliInput.safeParse(document);
    if (parsed.success) {
      definitions.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      const path = [`[${index}]`, ...issue.path.map(String)].join('.');
      issues.push({ path, message: issue.message });
    }
  });
  if (issues.length > 0) {
    throw new CliError('BAD_REQUEST', `${file}: not valid SLI definitions; nothing was defined`, {
      issues,
      issuePrefix: `${file} `,
    });
  }
  if (definitions.length === 0) throw new CliError('BAD_REQUEST', `${file}: no SLI definitions`);
  return definitions;
}

export function describeSource(source: SliSource | null): string {
  if (!source) return 'no source (guardrails on it read as no data)';
  switch (source.kind) {
    case 'ratio':
      return `${source.numeratorMetric} / ${source.denominatorMetric}`;
    case 'quantile':
      return `p${Number((source.quantile * 100).toFixed(2))} of ${source.metric}`;
    case 'mean':
      return `mean of ${source.metric}`;
    case 'promql':
      return `PromQL ${source.numeratorQuery} / ${source.denominatorQuery}`;
  }
}
