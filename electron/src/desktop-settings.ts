// Which Runway server the window connects to, and with which token. `npm start` hands the local
// server's URL and admin token to the shell in RUNWAY_URL / RUNWAY_TOKEN (the same variables the
// CLI reads, DESIGN §7); a server chosen in the settings dialog is saved in userData and wins
// until the operator returns to the local one.
import { join } from 'node:path';
import { z } from 'zod';
import {
  apiTokenSchema,
  serverUrlSchema,
  type DesktopSettingsView,
  type SettingsSource,
} from '../../shared/src/desktop-bridge';
import type { DesktopFiles } from './desktop-files';

export const SETTINGS_FILE = 'settings.json';
export const DEFAULT_PORT = 7400;

export interface ServerSettings {
  /** An origin: scheme, host and port, no path. */
  serverUrl: string;
  token: string | null;
}

export interface ResolvedSettings extends ServerSettings {
  source: SettingsSource;
}

const savedSettingsSchema = z.object({
  serverUrl: serverUrlSchema,
  token: apiTokenSchema.nullable(),
});

/** The local server `npm start` runs: http://127.0.0.1:$RUNWAY_PORT (7400). */
export function localServerUrl(env: NodeJS.ProcessEnv): string {
  const port = Number(env.RUNWAY_PORT);
  const valid = Number.isInteger(port) && port > 0 && port < 65_536;
  return `http://127.0.0.1:${valid ? port : DEFAULT_PORT}`;
}

/**
 * What the environment says: RUNWAY_URL and RUNWAY_TOKEN when the launcher (or a person) set
 * them, else the local server without a token (the console then asks for one).
 */
export function environmentSettings(env: NodeJS.ProcessEnv): ResolvedSettings {
  const url = serverUrlSchema.safeParse(env.RUNWAY_URL ?? '');
  const token = apiTokenSchema.safeParse(env.RUNWAY_TOKEN ?? '');
  return {
    serverUrl: url.success ? url.data : localServerUrl(env),
    token: token.success ? token.data : null,
    source: url.success || token.success ? 'launcher' : 'default',
  };
}

export function parseSavedSettings(text: string | null): ServerSettings | null {
  if (text === null) return null;
  try {
    const parsed = savedSettingsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface SettingsStore {
  current(): ResolvedSettings;
  view(): DesktopSettingsView;
  /** Saves settings chosen by the operator. */
  save(settings: ServerSettings): SettingsChange;
  /** Forgets the saved settings: back to what the environment says. */
  reset(): SettingsChange;
  /** A later launch handed over new environment settings (a second `npm start`). */
  replaceEnvironment(settings: ResolvedSettings): SettingsChange;
}

/** What a change did to the settings in force. */
export interface SettingsChange {
  serverChanged: boolean;
  tokenChanged: boolean;
}

export function createSettingsStore(
  userDataDir: string,
  files: DesktopFiles,
  env: NodeJS.ProcessEnv,
): SettingsStore {
  const path = join(userDataDir, SETTINGS_FILE);
  let environment = environmentSettings(env);
  let saved = parseSavedSettings(files.read(path));
  const local = localServerUrl(env);

  const current = (): ResolvedSettings => (saved ? { ...saved, source: 'saved' } : environment);
  const change = (apply: () => void): SettingsChange => {
    const before = current();
    apply();
    const after = current();
    return {
      serverChanged: after.serverUrl !== before.serverUrl,
      tokenChanged: after.token !== before.token,
    };
  };

  return {
    current,
    view: () => {
      const settings = current();
      return {
        serverUrl: settings.serverUrl,
        hasToken: settings.token !== null,
        source: settings.source,
        localServerUrl: environment.source === 'launcher' ? environment.serverUrl : local,
      };
    },
    save: (settings) =>
      change(() => {
        const unchanged =
          settings.serverUrl === current().serverUrl && settings.token === current().token;
        if (unchanged) return;
        saved = { serverUrl: settings.serverUrl, token: settings.token };
        files.write(path, `${JSON.stringify(saved, null, 2)}\n`, { secret: true });
      }),
    reset: () =>
      change(() => {
        if (saved === null) return;
        saved = null;
        files.write(path, 'null\n', { secret: true });
      }),
    replaceEnvironment: (settings) =>
      change(() => {
        environment = settings;
      }),
  };
}

/**
 * The address the window loads: the console at `path` on the server, with the token in the
 * fragment (DESIGN §6) so the console's own sign-in by link applies; fragments never reach the
 * server or its logs.
 */
export function consoleUrl(settings: ServerSettings, path = '/'): string {
  const url = new URL(path, settings.serverUrl);
  if (settings.token) url.hash = `token=${encodeURIComponent(settings.token)}`;
  return url.toString();
}
