// The IPC contract: the preload exposes exactly the channels of the shared map, main answers
// exactly those, and main refuses every call whose payload does not match the channel's schema
// or that does not come from the console's top frame on the server's origin.
import { describe, expect, it } from 'vitest';
import {
  DESKTOP_EVENT_CHANNELS,
  DESKTOP_INVOKE_CHANNELS,
  desktopBridgeMethodNames,
} from '../../shared/src/desktop-bridge';
import { DesktopBridgeError, registerDesktopIpc, type DesktopInvokeHandlers } from './desktop-ipc';
import type {
  IpcMain,
  IpcMainInvokeEvent,
  IpcRenderer,
  IpcRendererEvent,
  WebFrameMain,
} from './electron-api';
import { createPreloadBridge } from './preload-bridge';

const SERVER = 'http://127.0.0.1:7531';

/** ipcMain and ipcRenderer joined in memory, the renderer in a frame at `frame`. */
function connectedIpc(frame: () => WebFrameMain | null) {
  const handlers = new Map<
    string,
    (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>
  >();
  const rendererListeners = new Map<
    string,
    Array<(event: IpcRendererEvent, ...args: unknown[]) => void>
  >();
  const ipcMain: IpcMain = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const ipcRenderer: IpcRenderer = {
    invoke: (channel, ...args) => {
      const handler = handlers.get(channel);
      if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
      return handler({ senderFrame: frame() }, ...args);
    },
    on: (channel, listener) =>
      rendererListeners.set(channel, [...(rendererListeners.get(channel) ?? []), listener]),
    removeListener: (channel, listener) =>
      rendererListeners.set(
        channel,
        (rendererListeners.get(channel) ?? []).filter((l) => l !== listener),
      ),
  };
  const sendToRenderer = (channel: string, payload: unknown): void => {
    for (const listener of rendererListeners.get(channel) ?? []) listener({}, payload);
  };
  return { ipcMain, ipcRenderer, handlers, sendToRenderer };
}

function recordingHandlers(calls: Array<[string, unknown]>): DesktopInvokeHandlers {
  return {
    getSettings: (payload) => {
      calls.push(['getSettings', payload]);
      return { serverUrl: SERVER, hasToken: true, source: 'launcher', localServerUrl: SERVER };
    },
    saveSettings: (payload) => {
      calls.push(['saveSettings', payload]);
      return { reloading: false };
    },
    resetSettings: (payload) => {
      calls.push(['resetSettings', payload]);
      return { reloading: false };
    },
    setBadge: (payload) => {
      calls.push(['setBadge', payload]);
      return null;
    },
    notify: (payload) => {
      calls.push(['notify', payload]);
      return null;
    },
    openExternal: (payload) => {
      calls.push(['openExternal', payload]);
      return null;
    },
  };
}

function setup(frameUrl = `${SERVER}/queue`, parent: WebFrameMain | null = null) {
  let frame: WebFrameMain | null = { url: frameUrl, parent };
  const ipc = connectedIpc(() => frame);
  const calls: Array<[string, unknown]> = [];
  const unregister = registerDesktopIpc(ipc.ipcMain, recordingHandlers(calls), () => SERVER);
  const bridge = createPreloadBridge(ipc.ipcRenderer);
  return {
    ipc,
    calls,
    bridge,
    unregister,
    setFrame: (next: WebFrameMain | null) => (frame = next),
  };
}

describe('the bridge the preload exposes', () => {
  it('has exactly one method per channel of the shared map, frozen', () => {
    const { bridge } = setup();
    expect(Object.keys(bridge).sort()).toEqual(desktopBridgeMethodNames().sort());
    expect(desktopBridgeMethodNames()).toEqual([
      'getSettings',
      'saveSettings',
      'resetSettings',
      'setBadge',
      'notify',
      'openExternal',
      'onNavigate',
      'onOpenSettings',
    ]);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('carries each call to main’s handler, validated and normalised', async () => {
    const { bridge, calls } = setup();
    await expect(bridge.getSettings()).resolves.toMatchObject({ serverUrl: SERVER });
    await bridge.saveSettings({
      serverUrl: ' https://runway.example.com/queue ',
      token: ' rwy_t ',
    });
    await bridge.setBadge({ count: 2 });
    await bridge.notify({
      title: 'Rolled back: checkout-v2',
      body: 'why',
      experimentKey: 'checkout-v2',
    });
    await bridge.openExternal({ url: 'https://runbooks.example.com/' });
    await bridge.resetSettings();
    expect(calls).toEqual([
      ['getSettings', null],
      ['saveSettings', { serverUrl: 'https://runway.example.com', token: 'rwy_t' }],
      ['setBadge', { count: 2 }],
      ['notify', { title: 'Rolled back: checkout-v2', body: 'why', experimentKey: 'checkout-v2' }],
      ['openExternal', { url: 'https://runbooks.example.com/' }],
      ['resetSettings', null],
    ]);
  });

  it('delivers main’s events without the IPC event, keeping one that came before any listener', () => {
    const { bridge, ipc } = setup();
    const navigate = DESKTOP_EVENT_CHANNELS.navigate.channel;
    ipc.sendToRenderer(navigate, { path: '/experiments/early-link' });
    const seen: unknown[] = [];
    const stop = bridge.onNavigate((payload) => seen.push(payload));
    ipc.sendToRenderer(navigate, { path: '/queue' });
    ipc.sendToRenderer(navigate, { path: 'https://evil.example/' });
    ipc.sendToRenderer(navigate, { path: '//evil.example/queue' });
    stop();
    ipc.sendToRenderer(navigate, { path: '/graph' });
    expect(seen).toEqual([{ path: '/experiments/early-link' }, { path: '/queue' }]);

    let opened = 0;
    bridge.onOpenSettings(() => (opened += 1));
    ipc.sendToRenderer(DESKTOP_EVENT_CHANNELS.openSettings.channel, null);
    expect(opened).toBe(1);
    expect(() =>
      (bridge as unknown as { onNavigate(listener: unknown): void }).onNavigate('x'),
    ).toThrow('the listener must be a function');
  });
});

describe('main’s side of the bridge', () => {
  it('registers exactly the channels of the map, and removes them again', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(
      Object.values(DESKTOP_INVOKE_CHANNELS)
        .map((spec) => spec.channel)
        .sort(),
    );
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses ill-typed payloads, naming the field, and never calls the handler', async () => {
    const { ipc, calls } = setup();
    const call = (channel: string, ...args: unknown[]) => ipc.ipcRenderer.invoke(channel, ...args);
    const badge = DESKTOP_INVOKE_CHANNELS.setBadge.channel;
    await expect(call(badge, { count: -1 })).rejects.toThrow('runway:set-badge refused: count:');
    await expect(call(badge, { count: 1.5 })).rejects.toThrow(DesktopBridgeError);
    await expect(call(badge, { count: 1, extra: true })).rejects.toThrow('refused');
    await expect(call(badge, '3')).rejects.toThrow('refused');
    await expect(call(badge)).rejects.toThrow('expected one payload argument, got 0');
    await expect(call(badge, { count: 1 }, { count: 2 })).rejects.toThrow('got 2');
    await expect(
      call(DESKTOP_INVOKE_CHANNELS.notify.channel, {
        title: 'x',
        body: 'y',
        experimentKey: '../../etc',
      }),
    ).rejects.toThrow('experimentKey');
    await expect(
      call(DESKTOP_INVOKE_CHANNELS.openExternal.channel, { url: 'file:///etc/passwd' }),
    ).rejects.toThrow('url: must be an http(s) URL');
    await expect(
      call(DESKTOP_INVOKE_CHANNELS.saveSettings.channel, {
        serverUrl: 'javascript:alert(1)',
        token: null,
      }),
    ).rejects.toThrow('serverUrl: must be an http:// or https:// URL');
    await expect(
      call(DESKTOP_INVOKE_CHANNELS.getSettings.channel, { please: true }),
    ).rejects.toThrow('refused');
    expect(calls).toEqual([]);
  });

  it('answers no channel outside the map', async () => {
    const { ipc } = setup();
    await expect(ipc.ipcRenderer.invoke('runway:run-shell', 'rm -rf /')).rejects.toThrow(
      "No handler registered for 'runway:run-shell'",
    );
  });

  it('answers only the console’s top frame on the server’s origin', async () => {
    const { bridge, calls, setFrame } = setup();
    const refused = 'only the console loaded from http://127.0.0.1:7531 may use the desktop bridge';
    setFrame({ url: 'https://evil.example/', parent: null });
    await expect(bridge.setBadge({ count: 1 })).rejects.toThrow(refused);
    setFrame({ url: `${SERVER}/frame`, parent: { url: `${SERVER}/`, parent: null } });
    await expect(bridge.setBadge({ count: 1 })).rejects.toThrow(refused);
    setFrame({ url: 'data:text/html,hi', parent: null });
    await expect(bridge.setBadge({ count: 1 })).rejects.toThrow(refused);
    setFrame(null);
    await expect(bridge.setBadge({ count: 1 })).rejects.toThrow(refused);
    expect(calls).toEqual([]);
    setFrame({ url: `${SERVER}/experiments/checkout-v2`, parent: null });
    await bridge.setBadge({ count: 1 });
    expect(calls).toEqual([['setBadge', { count: 1 }]]);
  });
});
