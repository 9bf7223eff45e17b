import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeDesktopFiles } from './desktop-files';
import {
  consoleUrl,
  createSettingsStore,
  environmentSettings,
  parseSavedSettings,
  SETTINGS_FILE,
} from './desktop-settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the server the window connects to', () => {
  it('is what npm start hands over in RUNWAY_URL / RUNWAY_TOKEN, else the local server', () => {
    expect(
      environmentSettings({ RUNWAY_URL: 'http://127.0.0.1:7531/', RUNWAY_TOKEN: 'rwy_a' }),
    ).toEqual({
      serverUrl: 'http://127.0.0.1:7531',
      token: 'rwy_a',
      source: 'launcher',
    });
    expect(environmentSettings({})).toEqual({
      serverUrl: 'http://127.0.0.1:7400',
      token: null,
      source: 'default',
    });
    expect(environmentSettings({ RUNWAY_PORT: '7600', RUNWAY_URL: 'ftp://x' }).serverUrl).toBe(
      'http://127.0.0.1:7600',
    );
    expect(environmentSettings({ RUNWAY_PORT: 'many' }).serverUrl).toBe('http://127.0.0.1:7400');
  });

  it('is loaded with the token in the fragment, which never reaches the server', () => {
    expect(
      consoleUrl({ serverUrl: 'http://127.0.0.1:7400', token: 'rwy_a+b/c' }, '/experiments/x-1'),
    ).toBe('http://127.0.0.1:7400/experiments/x-1#token=rwy_a%2Bb%2Fc');
    expect(consoleUrl({ serverUrl: 'https://runway.example.com', token: null })).toBe(
      'https://runway.example.com/',
    );
  });
});

describe('the settings store', () => {
  const env = { RUNWAY_URL: 'http://127.0.0.1:7531', RUNWAY_TOKEN: 'rwy_admin' };

  it('saves a chosen server owner-readable only, and it wins over the launcher until reset', () => {
    const store = createSettingsStore(dir, nodeDesktopFiles, env);
    expect(store.save({ serverUrl: 'https://runway.example.com', token: 'rwy_remote' })).toEqual({
      serverChanged: true,
      tokenChanged: true,
    });
    const file = join(dir, SETTINGS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const reopened = createSettingsStore(dir, nodeDesktopFiles, env);
    expect(reopened.current()).toEqual({
      serverUrl: 'https://runway.example.com',
      token: 'rwy_remote',
      source: 'saved',
    });
    expect(reopened.view()).toEqual({
      serverUrl: 'https://runway.example.com',
      hasToken: true,
      source: 'saved',
      localServerUrl: 'http://127.0.0.1:7531',
    });
    expect(reopened.reset()).toEqual({ serverChanged: true, tokenChanged: true });
    expect(createSettingsStore(dir, nodeDesktopFiles, env).current().source).toBe('launcher');
  });

  it('writes nothing when asked to save what is already in use', () => {
    const store = createSettingsStore(dir, nodeDesktopFiles, env);
    expect(store.save({ serverUrl: 'http://127.0.0.1:7531', token: 'rwy_admin' })).toEqual({
      serverChanged: false,
      tokenChanged: false,
    });
    expect(nodeDesktopFiles.read(join(dir, SETTINGS_FILE))).toBeNull();
  });

  it('ignores a corrupt or hand-edited settings file', () => {
    expect(parseSavedSettings('{"serverUrl": ')).toBeNull();
    expect(
      parseSavedSettings(JSON.stringify({ serverUrl: 'file:///etc', token: null })),
    ).toBeNull();
    expect(
      parseSavedSettings(JSON.stringify({ serverUrl: 'http://h:1', token: 'with space' })),
    ).toBeNull();
    nodeDesktopFiles.write(join(dir, SETTINGS_FILE), '[1, 2');
    expect(createSettingsStore(dir, nodeDesktopFiles, env).current().source).toBe('launcher');
  });

  it('follows a new launcher hand-over unless a server was chosen', () => {
    const store = createSettingsStore(dir, nodeDesktopFiles, env);
    const next = environmentSettings({
      RUNWAY_URL: 'http://127.0.0.1:7700',
      RUNWAY_TOKEN: 'rwy_b',
    });
    expect(store.replaceEnvironment(next).serverChanged).toBe(true);
    store.save({ serverUrl: 'https://runway.example.com', token: null });
    expect(store.replaceEnvironment(environmentSettings(env)).serverChanged).toBe(false);
    expect(store.view().localServerUrl).toBe('http://127.0.0.1:7531');
  });
});
