// Durations in specs are written the way people say them: "30m", "2h", "1h30m", "500ms", "1d".
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** Parses a duration such as "1h30m" into milliseconds; null when it does not parse. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  PART.lastIndex = 0;
  let totalMs = 0;
  let index = 0;
  while (index < trimmed.length) {
    PART.lastIndex = index;
    const match = PART.exec(trimmed);
    if (!match) return null;
    totalMs += Number(match[1]) * (UNIT_MS[match[2]!] ?? NaN);
    index = PART.lastIndex;
  }
  return Number.isFinite(totalMs) ? Math.round(totalMs) : null;
}

/** Formats milliseconds compactly ("1h30m", "45s", "0s"). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (parts.length === 0) return `${rest}ms`;
  return parts.join('');
}
