// The console's client-side routes (History API). The server answers a GET of any of them with
// the console's index.html, so a reload or a pasted link lands on the right view; every other
// unknown path keeps its 404 JSON.

/** Top-level sections, each one path segment. */
export const CONSOLE_SECTIONS = ['queue', 'graph', 'overview', 'audit', 'plan'] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];

const SECTION_PATH = new RegExp(`^/(?:${CONSOLE_SECTIONS.join('|')})/?$`);
/** `/experiments/KEY`: keys are ^[a-z0-9][a-z0-9-]{1,62}$ (DESIGN §2), percent-encoding allowed. */
const EXPERIMENT_PATH = /^\/experiments\/[^/]{1,200}\/?$/;

/** True for `/` and every path the console routes itself. */
export function isConsoleRoute(pathname: string): boolean {
  return pathname === '/' || SECTION_PATH.test(pathname) || EXPERIMENT_PATH.test(pathname);
}
