// `runway://experiment/KEY` links (from Slack pages and notifications) open one experiment.
import { EXPERIMENT_KEY_PATTERN } from '../../shared/src/spec/spec-schema';

export type DeepLink = { kind: 'experiment'; key: string } | { kind: 'queue' };

export function parseDeepLink(link: string): DeepLink | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== 'runway:') return null;
  // runway://experiment/KEY parses with "experiment" as the host.
  const parts = [url.hostname, ...url.pathname.split('/')]
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'queue')) return { kind: 'queue' };
  if (parts.length === 2 && parts[0] === 'experiment' && EXPERIMENT_KEY_PATTERN.test(parts[1]!)) {
    return { kind: 'experiment', key: parts[1]! };
  }
  return null;
}

export function experimentDeepLink(key: string): string {
  return `runway://experiment/${encodeURIComponent(key)}`;
}

/**
 * The deep link among a process's arguments: how a link reaches the shell when the system
 * starts it for one (Windows and Linux put it on the command line, at first launch and in the
 * second instance's argv). Flags and the script path are skipped; the last link wins.
 */
export function deepLinkFromArgs(args: readonly string[]): DeepLink | null {
  let found: DeepLink | null = null;
  for (const arg of args) {
    if (!/^runway:/i.test(arg)) continue;
    found = parseDeepLink(arg) ?? found;
  }
  return found;
}

/** The console path a deep link opens: the same view the browser shows at that path. */
export function deepLinkPath(link: DeepLink): string {
  return link.kind === 'experiment' ? experimentConsolePath(link.key) : '/queue';
}

/** `/experiments/KEY`: the plain URL path the console (and a browser) opens an experiment at. */
export function experimentConsolePath(key: string): string {
  return `/experiments/${encodeURIComponent(key)}`;
}
