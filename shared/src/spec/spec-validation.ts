import type { ErrorIssue } from '../errors';
import { experimentSpecSchema, type ExperimentSpec } from './spec-schema';

export type SpecValidation =
  { ok: true; spec: ExperimentSpec } | { ok: false; issues: ErrorIssue[] };

export interface SpecValidationOptions {
  /** Whether an SLI name is defined for a service; omit to skip the SLI check (offline use). */
  isKnownSli?: (service: string, sli: string) => boolean;
}

/** Renders a zod-style path as people write it: `stages[1].percent`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one spec and reports every problem at once, each with its path. Cross-field rules
 * (increasing stages, bounds, time window, duplicate references) are checked on whatever parts of
 * the input are well-formed, so one bad field does not hide another.
 */
export function validateSpec(input: unknown, options: SpecValidationOptions = {}): SpecValidation {
  const parsed = experimentSpecSchema.safeParse(input);
  const issues: ErrorIssue[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue): ErrorIssue[] =>
        // zod reports unknown fields on the enclosing object; name each field by its own path.
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              path: formatPath([...issue.path, key]),
              message: 'is not a known field',
            }))
          : [{ path: formatPath(issue.path), message: issue.message }],
      );
  if (!isRecord(input)) return { ok: false, issues };

  issues.push(...checkStages(input.stages));
  issues.push(...checkGuardrails(input.guardrails, input.service, options));
  issues.push(...checkTimeWindow(input.notBefore, input.notAfter));
  issues.push(...checkReferenceLists(input));

  if (issues.length > 0 || !parsed.success) return { ok: false, issues: dedupe(issues) };
  return { ok: true, spec: parsed.data };
}

function checkStages(stages: unknown): ErrorIssue[] {
  if (!Array.isArray(stages)) return [];
  const issues: ErrorIssue[] = [];
  let previous: { index: number; percent: number } | null = null;
  stages.forEach((stage, index) => {
    if (!isRecord(stage) || typeof stage.percent !== 'number') return;
    if (previous && stage.percent <= previous.percent) {
      issues.push({
        path: `stages[${index}].percent`,
        message: `must be greater than stages[${previous.index}].percent (${previous.percent})`,
      });
    }
    previous = { index, percent: stage.percent };
  });
  return issues;
}

function checkGuardrails(
  guardrails: unknown,
  service: unknown,
  options: SpecValidationOptions,
): ErrorIssue[] {
  if (!Array.isArray(guardrails)) return [];
  const issues: ErrorIssue[] = [];
  guardrails.forEach((guardrail, index) => {
    if (!isRecord(guardrail)) return;
    const bounds = ['max', 'min', 'maxRelative', 'minRelative'].filter(
      (name) => guardrail[name] !== undefined,
    );
    if (bounds.length === 0) {
      issues.push({
        path: `guardrails[${index}]`,
        message: 'needs a bound: max, min, maxRelative or minRelative',
      });
    }
    if (
      typeof guardrail.max === 'number' &&
      typeof guardrail.min === 'number' &&
      guardrail.min > guardrail.max
    ) {
      issues.push({
        path: `guardrails[${index}].min`,
        message: `must not exceed max (${guardrail.max})`,
      });
    }
    if (
      options.isKnownSli &&
      typeof guardrail.sli === 'string' &&
      typeof service === 'string' &&
      !options.isKnownSli(service, guardrail.sli)
    ) {
      issues.push({
        path: `guardrails[${index}].sli`,
        message: `unknown SLI "${guardrail.sli}" for service ${service}`,
      });
    }
  });
  return issues;
}

function checkTimeWindow(notBefore: unknown, notAfter: unknown): ErrorIssue[] {
  if (typeof notBefore !== 'string' || typeof notAfter !== 'string') return [];
  const start = Date.parse(notBefore);
  const end = Date.parse(notAfter);
  if (Number.isNaN(start) || Number.isNaN(end) || end > start) return [];
  return [{ path: 'notAfter', message: `must be later than notBefore (${notBefore})` }];
}

const REFERENCE_LISTS = ['requires', 'excludes', 'after'] as const;

function checkReferenceLists(input: Record<string, unknown>): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const lists = Object.fromEntries(
    REFERENCE_LISTS.map((name) => [
      name,
      Array.isArray(input[name]) ? (input[name] as unknown[]) : [],
    ]),
  ) as Record<(typeof REFERENCE_LISTS)[number], unknown[]>;
  for (const name of REFERENCE_LISTS) {
    const seen = new Set<unknown>();
    lists[name].forEach((reference, index) => {
      if (reference === input.key) {
        const verb = name === 'after' ? 'run after' : name === 'requires' ? 'require' : 'exclude';
        issues.push({ path: `${name}[${index}]`, message: `an experiment cannot ${verb} itself` });
      } else if (seen.has(reference)) {
        issues.push({
          path: `${name}[${index}]`,
          message: `"${String(reference)}" is listed twice`,
        });
      }
      seen.add(reference);
    });
  }
  const required = new Set(lists.requires);
  lists.excludes.forEach((reference, index) => {
    if (reference !== input.key && required.has(reference)) {
      issues.push({
        path: `excludes[${index}]`,
        message: `"${String(reference)}" is also in requires: an experiment cannot both require and exclude it`,
      });
    }
  });
  return issues;
}

function dedupe(issues: ErrorIssue[]): ErrorIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const id = `${issue.path}\u0000${issue.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
