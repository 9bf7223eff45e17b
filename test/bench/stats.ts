/** Latency summaries and the one table `npm run bench` prints. */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    mean,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Runs `body` `warmup` times untimed, then `runs` times timed (ms each); `before` each, untimed. */
export function timeSync(
  runs: number,
  warmup: number,
  body: () => void,
  before?: () => void,
): number[] {
  for (let index = 0; index < warmup; index++) {
    before?.();
    body();
  }
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    before?.();
    const started = performance.now();
    body();
    samples.push(performance.now() - started);
  }
  return samples;
}

export interface Row {
  benchmark: string;
  value: number | string;
  unit: string;
  /** Name of the baseline row this one is compared with, measured in the same run. */
  baseline?: string;
  ratio?: number;
  target?: string;
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Ratios below 1 keep two significant digits: 0.07x against a 0.25x target must not read 0.1x. */
function formatRatio(ratio: number): string {
  if (ratio >= 100) return ratio.toFixed(0);
  if (ratio >= 1) return ratio.toFixed(1);
  return ratio.toPrecision(2);
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'value', 'unit', 'baseline', 'ratio', 'target'];
  const cells = rows.map((row) => [
    row.benchmark,
    formatValue(row.value),
    row.unit,
    row.baseline ?? '',
    row.ratio === undefined ? '' : `${formatRatio(row.ratio)}x`,
    row.target ?? '',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => line[column]!.length)),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, column) =>
        column === 1 || column === 4
          ? cell.padStart(widths[column]!)
          : cell.padEnd(widths[column]!),
      )
      .join(' | ')
      .trimEnd();
  return [
    render(header),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...cells.map(render),
  ].join('\n');
}

export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A failed correctness check: the run goes on, the table says so, and the exit code is 1. */
export class Checks {
  readonly failures: string[] = [];
  readonly passed: string[] = [];

  check(ok: boolean, what: string): void {
    if (ok) this.passed.push(what);
    else {
      this.failures.push(what);
      process.stderr.write(`[bench] CHECK FAILED: ${what}\n`);
    }
  }
}
