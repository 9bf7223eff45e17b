import { formatDuration } from '../../../shared/src/duration';
import type { Guardrail } from '../../../shared/src/spec/spec-schema';

export type SimulatedVerdict = 'pass' | 'fail' | 'inconclusive';

/** One simulated guardrail evaluation: what recordGuardrailVerdict stores, and a sentence for people. */
export interface GuardrailReading {
  sli: string;
  verdict: SimulatedVerdict;
  details: Record<string, unknown>;
  summary: string;
}

type Random = () => number;

const between = (random: Random, low: number, high: number): number =>
  low + (high - low) * random();

/** Control-group baselines, per SLI and service, so the numbers look like each service's own. */
function controlValue(sli: string, service: string, random: Random): number {
  const base: Record<string, number> = {
    error_rate: 0.003,
    latency_p95_ms: service === 'search' ? 240 : service === 'payments-api' ? 310 : 160,
    latency_p99_ms: service === 'search' ? 620 : service === 'payments-api' ? 780 : 420,
    conversion: service === 'checkout' ? 0.34 : 0.031,
  };
  return (base[sli] ?? 1) * between(random, 0.9, 1.1);
}

function formatValue(sli: string, value: number): string {
  if (sli.endsWith('_ms')) return `${Math.round(value)} ms`;
  return `${(value * 100).toFixed(2)}%`;
}

const signedPercent = (fraction: number): string =>
  `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;

/**
 * Simulates the treatment and control numbers behind a verdict. A pass sits comfortably inside
 * the bound, a fail clearly outside; an inconclusive one sits near the bound on a small sample.
 */
export function readGuardrail(
  guardrail: Guardrail,
  service: string,
  verdict: SimulatedVerdict,
  random: Random,
): GuardrailReading {
  const control = controlValue(guardrail.sli, service, random);
  const samples =
    verdict === 'inconclusive'
      ? Math.round(between(random, 80, 400))
      : Math.round(between(random, 2_000, 30_000));
  const window = formatDuration(guardrail.windowMs);
  // How far along the way to the bound the treatment lands: < 1 inside, > 1 breached.
  const towardBound =
    verdict === 'pass'
      ? between(random, -0.5, 0.5)
      : verdict === 'fail'
        ? between(random, 1.4, 2.4)
        : between(random, 0.7, 1.1);
  let treatment: number;
  let summary: string;
  let bound: Record<string, number>;
  if (guardrail.max !== undefined) {
    treatment =
      verdict === 'pass'
        ? control * between(random, 0.85, 1.15)
        : guardrail.max * Math.max(towardBound, 0.5);
    treatment = verdict === 'pass' ? Math.min(treatment, guardrail.max * 0.8) : treatment;
    bound = { max: guardrail.max };
    summary = `${guardrail.sli} at ${formatValue(guardrail.sli, treatment)} (max ${formatValue(guardrail.sli, guardrail.max)}) over ${window}`;
  } else if (guardrail.min !== undefined) {
    treatment =
      verdict === 'pass'
        ? guardrail.min * between(random, 1.1, 1.4)
        : guardrail.min * between(random, 0.5, 0.95);
    bound = { min: guardrail.min };
    summary = `${guardrail.sli} at ${formatValue(guardrail.sli, treatment)} (min ${formatValue(guardrail.sli, guardrail.min)}) over ${window}`;
  } else if (guardrail.maxRelative !== undefined) {
    const change = guardrail.maxRelative * towardBound;
    treatment = control * (1 + change);
    bound = { maxRelative: guardrail.maxRelative };
    summary = `${guardrail.sli} ${signedPercent(change)} vs control (max ${signedPercent(guardrail.maxRelative)}) over ${window}`;
  } else {
    const minRelative = guardrail.minRelative ?? -0.02;
    const change =
      verdict === 'pass' ? between(random, minRelative * 0.4, 0.05) : minRelative * towardBound;
    treatment = control * (1 + change);
    bound = { minRelative };
    summary = `${guardrail.sli} ${signedPercent(change)} vs control (min ${signedPercent(minRelative)}) over ${window}`;
  }
  return {
    sli: guardrail.sli,
    verdict,
    summary,
    details: {
      treatment: round(treatment),
      control: round(control),
      ...bound,
      samples,
      window,
      source: 'demo simulator',
    },
  };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
