// The Electron main process entry (bundled to electron/dist/main.cjs by build-desktop-shell.ts).
// The one place that loads the real `electron` module; everything else takes it as an argument.
import { join, resolve } from 'node:path';
import { createDesktopApp } from './desktop-app';
import { nodeDesktopFiles } from './desktop-files';
import type { ElectronMain } from './electron-api';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved by Electron at run time, never bundled
const electron = require('electron') as ElectronMain;

createDesktopApp(electron, {
  env: process.env,
  argv: process.argv,
  platform: process.platform,
  defaultApp: Boolean((process as NodeJS.Process & { defaultApp?: boolean }).defaultApp),
  execPath: process.execPath,
  mainScript: resolve(process.argv[1] ?? __filename),
  preloadPath: join(__dirname, 'preload.cjs'),
  files: nodeDesktopFiles,
  log: (line) => process.stderr.write(`${line}\n`),
}).start();
