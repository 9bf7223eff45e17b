/**
 * PromQL SLI templates: a query with `{{experiment}}`, `{{variant}}` and `{{range}}` placeholders
 * that the guardrail engine fills in per arm and per evaluation. Pure: no I/O.
 */

export type PromqlVariant = 'treatment' | 'control';

export interface PromqlVars {
  readonly experiment: string;
  readonly variant: PromqlVariant;
  /** How far back the query looks (since the stage started); rendered in whole seconds, ≥ 1s. */
  readonly rangeMs: number;
}

export const PROMQL_PLACEHOLDERS = ['experiment', 'variant', 'range'] as const;
export type PromqlPlaceholder = (typeof PROMQL_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

function isPlaceholder(name: string): name is PromqlPlaceholder {
  return (PROMQL_PLACEHOLDERS as readonly string[]).includes(name);
}

/**
 * Why a template cannot be used, or null when it can. Names are matched exactly (no spaces
 * inside the braces) so a typo fails here, when the SLI is defined, rather than silently
 * querying a literal `{{ experiment }}` label value that never matches and reads as "no data".
 */
export function checkPromqlTemplate(template: string): string | null {
  if (template.trim() === '') return 'PromQL template is empty';
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!isPlaceholder(name)) {
      return `PromQL template has unknown placeholder {{${name}}}; known: ${PROMQL_PLACEHOLDERS.map((known) => `{{${known}}}`).join(', ')}`;
    }
  }
  // Without the experiment in the selector every experiment would read the same series.
  if (!template.includes('{{experiment}}')) {
    return 'PromQL template must select the experiment with {{experiment}}';
  }
  return null;
}

/**
 * Escapes a value for the inside of a double-quoted PromQL string literal (Go escaping rules):
 * backslash and double quote, plus line breaks, which a literal may not contain raw.
 */
export function escapePromqlString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/**
 * A PromQL duration covering `rangeMs`: whole seconds, rounded up, at least `1s` (a stage that
 * started "in the future" by clock skew still gets a valid range).
 */
export function promqlDuration(rangeMs: number): string {
  if (!Number.isFinite(rangeMs)) throw new Error(`PromQL range must be finite, got ${rangeMs}`);
  return `${Math.max(1, Math.ceil(rangeMs / 1000))}s`;
}

/** Fills in the placeholders. Throws on a template `checkPromqlTemplate` rejects. */
export function renderPromql(template: string, vars: PromqlVars): string {
  const problem = checkPromqlTemplate(template);
  if (problem) throw new Error(problem);
  const values: Record<PromqlPlaceholder, string> = {
    experiment: escapePromqlString(vars.experiment),
    variant: escapePromqlString(vars.variant),
    range: promqlDuration(vars.rangeMs),
  };
  return template.replace(PLACEHOLDER, (_whole, name: string) =>
    isPlaceholder(name) ? values[name] : _whole,
  );
}
