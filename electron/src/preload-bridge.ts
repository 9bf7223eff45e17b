// The renderer's side of the bridge, built from the shared channel map: a method per invoke
// channel that forwards only its payload, and an `onEvent` per event. The renderer never sees
// ipcRenderer, the IPC event object or any channel outside the map.
import {
  DESKTOP_EVENT_CHANNELS,
  DESKTOP_INVOKE_CHANNELS,
  eventMethodName,
  type DesktopEventName,
  type RunwayDesktopBridge,
} from '../../shared/src/desktop-bridge';
import type { IpcRenderer, IpcRendererEvent } from './electron-api';

type Listener = (payload: unknown) => void;

/**
 * Events main sends before the page has subscribed (a deep link that arrives while the console
 * is still signing in) wait here and go to the first listener; only the latest of each is kept,
 * since an older navigation would be overtaken by the newer one anyway.
 */
function eventRelay(ipc: IpcRenderer, event: DesktopEventName) {
  const spec = DESKTOP_EVENT_CHANNELS[event];
  const listeners = new Set<Listener>();
  let pending: { payload: unknown } | null = null;
  ipc.on(spec.channel, (_event: IpcRendererEvent, payload: unknown) => {
    // Main is trusted, but a malformed event should fail here, not deep in the console.
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) return;
    if (listeners.size === 0) pending = { payload: parsed.data };
    for (const listener of [...listeners]) listener(parsed.data);
  });
  return (listener: Listener): (() => void) => {
    listeners.add(listener);
    if (pending) {
      const { payload } = pending;
      pending = null;
      listener(payload);
    }
    return () => {
      listeners.delete(listener);
    };
  };
}

export function createPreloadBridge(ipc: IpcRenderer): RunwayDesktopBridge {
  const bridge: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(DESKTOP_INVOKE_CHANNELS)) {
    bridge[name] = (payload: unknown = null) => ipc.invoke(spec.channel, payload);
  }
  for (const event of Object.keys(DESKTOP_EVENT_CHANNELS) as DesktopEventName[]) {
    const subscribe = eventRelay(ipc, event);
    bridge[eventMethodName(event)] = (listener: Listener) => {
      if (typeof listener !== 'function') throw new TypeError('the listener must be a function');
      return subscribe(listener);
    };
  }
  return Object.freeze(bridge) as RunwayDesktopBridge;
}
