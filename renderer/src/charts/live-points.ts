// A bounded buffer of live chart points. A chart left open all day must not keep every point
// it was ever sent: each update keeps at most `cap` points, so memory stays flat however long
// the view is open (the benchmark: 10 series, one update a second, 10 minutes).

/** Points kept per series: the server sends about 300 for a range, so this leaves slack. */
export const DEFAULT_LIVE_POINT_CAP = 600;

/**
 * Merges what the server just sent into what the chart shows. The update supersedes every point
 * from its first instant on (the latest point is partial and is re-sent as it fills, and a full
 * snapshot replaces all); older points are kept only if the update starts after them. Returns a
 * new array (React compares by reference), never longer than `cap`.
 */
export function mergeLivePoints<T extends { readonly atMs: number }>(
  shown: readonly T[],
  update: readonly T[],
  cap: number = DEFAULT_LIVE_POINT_CAP,
): T[] {
  const limit = Math.max(1, Math.floor(cap));
  const first = update[0];
  if (!first) return shown.length > limit ? shown.slice(shown.length - limit) : [...shown];
  let keep = 0;
  while (keep < shown.length && shown[keep]!.atMs < first.atMs) keep++;
  const kept = Math.max(0, Math.min(keep, limit - update.length));
  const merged = shown.slice(keep - kept, keep).concat(update);
  return merged.length > limit ? merged.slice(merged.length - limit) : merged;
}

interface SeriesSnapshot<P extends { readonly atMs: number }> {
  readonly series: ReadonlyArray<{ readonly sli: string; readonly points: readonly P[] }>;
}

/**
 * The next charts from a fresh answer. experiments.sliSeries always answers with the whole range
 * (the stage so far, or everything), so the answer replaces what is shown: merging it into
 * earlier answers would keep partial points polled before the first rollup window closed, which
 * the server's series no longer has. Each series still keeps at most `cap` points, the newest.
 */
export function nextLiveSeries<P extends { readonly atMs: number }, S extends SeriesSnapshot<P>>(
  incoming: S,
  cap: number = DEFAULT_LIVE_POINT_CAP,
): S {
  return {
    ...incoming,
    series: incoming.series.map((series) => ({
      ...series,
      points: mergeLivePoints([], series.points, cap),
    })),
  };
}
