import { describe, expect, it } from 'vitest';
import { binaryInDist, findElectronBinary } from './find-electron-binary';

const notInstalled = (): string => {
  throw Object.assign(new Error("Cannot find module 'electron'"), { code: 'MODULE_NOT_FOUND' });
};

describe('finding an Electron binary', () => {
  it('prefers RUNWAY_ELECTRON, then ELECTRON_OVERRIDE_DIST_PATH, then the electron package', () => {
    const everywhere = {
      exists: () => true,
      requireElectron: () => '/repo/node_modules/electron/dist/electron',
    };
    expect(
      findElectronBinary(
        { RUNWAY_ELECTRON: '/opt/electron/electron', ELECTRON_OVERRIDE_DIST_PATH: '/dist' },
        everywhere,
      ),
    ).toEqual({ found: true, path: '/opt/electron/electron', from: 'RUNWAY_ELECTRON' });
    expect(
      findElectronBinary(
        { ELECTRON_OVERRIDE_DIST_PATH: '/dist' },
        { ...everywhere, platform: 'linux' },
      ),
    ).toEqual({ found: true, path: '/dist/electron', from: 'ELECTRON_OVERRIDE_DIST_PATH' });
    expect(findElectronBinary({}, everywhere)).toEqual({
      found: true,
      path: '/repo/node_modules/electron/dist/electron',
      from: 'the electron package',
    });
  });

  it('knows where each platform keeps the binary in a dist folder', () => {
    expect(binaryInDist('/d', 'darwin')).toBe('/d/Electron.app/Contents/MacOS/Electron');
    expect(binaryInDist('/d', 'win32')).toBe('/d/electron.exe');
  });

  it('says what it looked at when there is none, and how to get one', () => {
    const none = findElectronBinary({}, { exists: () => false, requireElectron: notInstalled });
    expect(none).toMatchObject({
      found: false,
      reason: 'ELECTRON_OVERRIDE_DIST_PATH / RUNWAY_ELECTRON unset, electron package not installed',
    });
    expect(none.found ? '' : none.howToGet).toContain('npm install electron@39.8.9');

    const wrong = findElectronBinary(
      { RUNWAY_ELECTRON: '/nowhere/electron' },
      {
        exists: () => false,
        requireElectron: () => {
          throw new Error(
            'Electron failed to install correctly, please delete node_modules/electron',
          );
        },
      },
    );
    expect(wrong).toMatchObject({
      found: false,
      reason:
        'RUNWAY_ELECTRON=/nowhere/electron has no file, electron package without its binary (Electron failed to install correctly, please delete node_modules/electron)',
    });
  });

  it('reports this machine honestly (the package is optional and absent where it cannot download)', () => {
    const here = findElectronBinary({});
    if (here.found) expect(here.path).not.toBe('');
    else expect(here.reason).toContain('ELECTRON_OVERRIDE_DIST_PATH / RUNWAY_ELECTRON unset');
  });
});
