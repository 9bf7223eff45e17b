// Test support: Recharts' responsive sizing in happy-dom, with one fixed size for every element.

import { resizeObserverReporting } from '../../testing/resize-observer';

export const SHIM_SIZE = { width: 640, height: 240 };

/** Installs the shim unless the environment has a real ResizeObserver. */
export function installResizeObserver(): void {
  if (typeof globalThis.ResizeObserver === 'undefined') {
    globalThis.ResizeObserver = resizeObserverReporting(() => SHIM_SIZE);
  }
}
