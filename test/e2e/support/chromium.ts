import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** TESTING.md: Debian's Chromium, launched with these flags (no sandbox, no GPU, no phoning home). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * The browser the end-to-end tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`,
 * else Playwright's own if one was installed. None is a failure that says how to get one:
 * the browser suite never passes silently.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  const candidates: Array<{ path: string; from: string }> = [];
  if (env.CHROMIUM_PATH) candidates.push({ path: env.CHROMIUM_PATH, from: 'CHROMIUM_PATH' });
  candidates.push({ path: '/usr/bin/chromium', from: "Debian's chromium package" });
  try {
    candidates.push({ path: chromium.executablePath(), from: "Playwright's own download" });
  } catch {
    // playwright-core knows no browser of its own here
  }
  const found = candidates.find((candidate) => exists(candidate.path));
  if (found) return found.path;
  if (env.CHROMIUM_PATH)
    throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, but there is no file there`);
  throw new Error(
    "No Chromium for the browser end-to-end tests. Install Debian's: `apt-get install -y chromium` " +
      '(it lands in /usr/bin/chromium), or point CHROMIUM_PATH at a Chromium binary.',
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}
