// What the window may show and who may talk to main. The window shows the console from one
// origin, the Runway server's; anything else a page tries to open goes to the system browser
// (http and https only) or nowhere. The bridge answers only that origin's top frame.
import { isConsoleRoute } from '../../shared/src/console-routes';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function originOf(url: string): string | null {
  const parsed = parse(url);
  return parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')
    ? parsed.origin
    : null;
}

export function isHttpUrl(url: string): boolean {
  return originOf(url) !== null;
}

/**
 * What to do with a page's attempt to go to `url` (a link, a form, a redirect, window.open):
 * - stay: it is the console on the server's origin;
 * - open-in-window: a console route opened as a new window (middle click): show it here instead;
 * - external: another http(s) site, for the system browser;
 * - block: anything else (file:, javascript:, custom schemes).
 */
export type NavigationDecision =
  | { kind: 'stay' }
  | { kind: 'open-in-window'; path: string }
  | { kind: 'external'; url: string }
  | { kind: 'block' };

export function decideNavigation(url: string, serverOrigin: string): NavigationDecision {
  const parsed = parse(url);
  if (!parsed) return { kind: 'block' };
  if (parsed.origin === serverOrigin && originOf(url) !== null) return { kind: 'stay' };
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    return { kind: 'external', url: parsed.toString() };
  }
  return { kind: 'block' };
}

/** window.open and target=_blank: never a new Electron window. */
export function decideWindowOpen(url: string, serverOrigin: string): NavigationDecision {
  const decision = decideNavigation(url, serverOrigin);
  if (decision.kind !== 'stay') return decision;
  const path = new URL(url).pathname;
  return isConsoleRoute(path) ? { kind: 'open-in-window', path } : { kind: 'block' };
}

/** Only the console's own top frame, loaded from the server, may use the bridge. */
export function isTrustedSender(
  frame: { url: string; parent: unknown } | null,
  serverOrigin: string,
): boolean {
  return frame !== null && frame.parent === null && originOf(frame.url) === serverOrigin;
}
