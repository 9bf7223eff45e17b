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
