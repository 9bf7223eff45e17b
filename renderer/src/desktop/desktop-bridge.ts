// The console runs unchanged in Electron and in a browser (DESIGN §1). In Electron the preload
// script gives it `window.runwayDesktop` (shared/src/desktop-bridge.ts); in a browser there is
// none, and the console falls back to web APIs (see alert-sink.ts).
import {
  desktopBridgeMethodNames,
  type RunwayDesktopBridge,
} from '../../../shared/src/desktop-bridge';

declare global {
  interface Window {
    runwayDesktop?: RunwayDesktopBridge;
  }
}

/** The desktop bridge when the console runs in Runway's Electron window, else null. */
export function desktopBridge(
  target: { runwayDesktop?: unknown } | undefined = typeof window === 'undefined'
    ? undefined
    : window,
): RunwayDesktopBridge | null {
  const candidate = target?.runwayDesktop;
  if (!candidate || typeof candidate !== 'object') return null;
  // A bridge from an older or newer shell that lacks a method is treated as none, not half used.
  const complete = desktopBridgeMethodNames().every(
    (name) => typeof (candidate as Record<string, unknown>)[name] === 'function',
  );
  return complete ? (candidate as RunwayDesktopBridge) : null;
}
