// Where an Electron binary is, for `npm start` and the Electron test suite. The `electron` npm
// package is optional: npm drops it when its postinstall cannot download the binary (as on
// machines without access to GitHub), so a missing binary is normal, never an error.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type ElectronBinary =
  { found: true; path: string; from: string } | { found: false; reason: string; howToGet: string };

export const HOW_TO_GET_ELECTRON =
  'run `npm install electron@39.8.9` where its binary can be downloaded, or point RUNWAY_ELECTRON ' +
  'at an Electron binary (or ELECTRON_OVERRIDE_DIST_PATH at the folder holding one)';

/** The binary inside an Electron dist folder, as the electron package lays it out. */
export function binaryInDist(dist: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(dist, 'Electron.app', 'Contents', 'MacOS', 'Electron');
  return join(dist, platform === 'win32' ? 'electron.exe' : 'electron');
}

/**
 * The `electron` package's export: the binary's path (it throws when the package is there but
 * its binary was never downloaded). Resolved from the repository, not from this file's caller.
 */
export function requireElectronPackage(): string {
  const required: unknown = createRequire(import.meta.url)('electron');
  if (typeof required !== 'string') throw new Error('the electron package did not export a path');
  return required;
}

export interface FindElectronOptions {
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
  requireElectron?: () => string;
}

/**
 * Looks, in order, at RUNWAY_ELECTRON (a binary), ELECTRON_OVERRIDE_DIST_PATH (a dist folder,
 * as the electron package itself honours it) and the installed `electron` package. The reason
 * when none is found names what was looked at, e.g. "ELECTRON_OVERRIDE_DIST_PATH /
 * RUNWAY_ELECTRON unset, electron package not installed".
 */
export function findElectronBinary(
  env: NodeJS.ProcessEnv = process.env,
  options: FindElectronOptions = {},
): ElectronBinary {
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;
  const problems: string[] = [];

  if (env.RUNWAY_ELECTRON) {
    if (exists(env.RUNWAY_ELECTRON)) {
      return { found: true, path: env.RUNWAY_ELECTRON, from: 'RUNWAY_ELECTRON' };
    }
    problems.push(`RUNWAY_ELECTRON=${env.RUNWAY_ELECTRON} has no file`);
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = binaryInDist(env.ELECTRON_OVERRIDE_DIST_PATH, platform);
    if (exists(binary)) return { found: true, path: binary, from: 'ELECTRON_OVERRIDE_DIST_PATH' };
    problems.push(`ELECTRON_OVERRIDE_DIST_PATH has no ${binary}`);
  }
  if (!env.RUNWAY_ELECTRON && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    problems.push('ELECTRON_OVERRIDE_DIST_PATH / RUNWAY_ELECTRON unset');
  }

  try {
    const path = (options.requireElectron ?? requireElectronPackage)();
    if (exists(path)) return { found: true, path, from: 'the electron package' };
    problems.push(`the electron package points at ${path}, which does not exist`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code === 'MODULE_NOT_FOUND'
        ? 'electron package not installed'
        : `electron package without its binary (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return { found: false, reason: problems.join(', '), howToGet: HOW_TO_GET_ELECTRON };
}
