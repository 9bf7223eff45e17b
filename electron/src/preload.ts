// The preload script (bundled to electron/dist/preload.cjs): runs sandboxed before the console,
// and gives it `window.runwayDesktop`, the narrow bridge of shared/src/desktop-bridge.ts.
import type { ElectronPreload } from './electron-api';
import { createPreloadBridge } from './preload-bridge';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload may require only electron
const { contextBridge, ipcRenderer } = require('electron') as ElectronPreload;

contextBridge.exposeInMainWorld('runwayDesktop', createPreloadBridge(ipcRenderer));
