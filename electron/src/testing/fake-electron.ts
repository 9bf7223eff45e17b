// An in-memory Electron of the electron-api.ts shape, recording what the shell asked of it, and
// letting tests play the system's part: emit app events, click notifications, navigate pages.
import type {
  BrowserWindowOptions,
  Display,
  ElectronMain,
  HeadersReceivedDetails,
  IpcMainInvokeEvent,
  MenuItemTemplate,
  NativeImage,
  Rectangle,
  WebFrameMain,
} from '../electron-api';

type AnyListener = (...args: never[]) => unknown;

/** What the fake's Menu.buildFromTemplate returns: the template, for tests to read. */
interface FakeMenu {
  template: MenuItemTemplate[];
}

class Emitter {
  private readonly listeners = new Map<string, AnyListener[]>();
  on(event: string, listener: AnyListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...values: unknown[]) => unknown)(...args);
    }
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export interface FakeImage extends NativeImage {
  readonly png: Buffer;
}

export class FakeWebContents extends Emitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  headersListener:
    | ((
        details: HeadersReceivedDetails,
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void)
    | null = null;
  permissionRequest:
    ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null =
    null;
  permissionCheck: ((contents: unknown, permission: string) => boolean) | null = null;
  readonly session = {
    webRequest: {
      onHeadersReceived: (listener: FakeWebContents['headersListener']) => {
        this.headersListener = listener;
      },
    },
    setPermissionRequestHandler: (handler: FakeWebContents['permissionRequest']) => {
      this.permissionRequest = handler;
    },
    setPermissionCheckHandler: (handler: FakeWebContents['permissionCheck']) => {
      this.permissionCheck = handler;
    },
  };
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isLoading(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** A page-initiated navigation; returns whether the shell prevented it. */
  navigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  bounds: Rectangle;
  maximized = false;
  minimized = false;
  visible = false;
  focusCount = 0;
  destroyed = false;

  constructor(readonly options: BrowserWindowOptions) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width,
      height: options.height,
    };
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focusCount += 1;
  }
  restore(): void {
    this.minimized = false;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  /** The system closes the window (the user clicked its close button). */
  close(): void {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends Emitter {
  tooltip = '';
  title = '';
  image: NativeImage;
  menu: MenuItemTemplate[] = [];
  destroyed = false;
  constructor(image: NativeImage) {
    super();
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setImage(image: NativeImage): void {
    this.image = image;
  }
  setContextMenu(menu: object): void {
    this.menu = (menu as FakeMenu).template;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends Emitter {
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}

export interface FakeElectronOptions {
  appDataDir: string;
  displays?: Display[];
  /** False: another instance holds the single-instance lock. */
  gotLock?: boolean;
  notificationsSupported?: boolean;
}

export const ONE_DISPLAY: Display[] = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];

export function createFakeElectron(options: FakeElectronOptions) {
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const handlers = new Map<
    string,
    (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>
  >();
  const externalUrls: string[] = [];
  const displays = options.displays ?? ONE_DISPLAY;
  const paths: Record<string, string> = { appData: options.appDataDir, userData: '' };
  const app = Object.assign(new Emitter(), {
    quitCalls: 0,
    name: '',
    badgeCount: 0,
    protocolClients: [] as Array<{ protocol: string; path?: string; args?: string[] }>,
    lockData: undefined as Record<string, unknown> | undefined,
    requestSingleInstanceLock(data?: Record<string, unknown>) {
      app.lockData = data;
      return options.gotLock ?? true;
    },
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => paths[name]!,
    setPath: (name: string, path: string) => {
      paths[name] = path;
    },
    setName: (name: string) => {
      app.name = name;
    },
    setAppUserModelId: () => {},
    setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]) {
      app.protocolClients.push({ protocol, ...(path ? { path } : {}), ...(args ? { args } : {}) });
      return true;
    },
    setBadgeCount(count: number) {
      app.badgeCount = count;
      return true;
    },
    quit() {
      app.quitCalls += 1;
    },
  });
  let applicationMenu: MenuItemTemplate[] | null = null;

  const NotificationClass = class extends FakeNotification {
    static isSupported = () => options.notificationsSupported ?? true;
    constructor(notificationOptions: { title: string; body: string }) {
      super(notificationOptions);
      notifications.push(this);
    }
  };

  const electron = {
    app,
    BrowserWindow: class extends FakeBrowserWindow {
      constructor(windowOptions: BrowserWindowOptions) {
        super(windowOptions);
        windows.push(this);
      }
    },
    Tray: class extends FakeTray {
      constructor(image: NativeImage) {
        super(image);
        trays.push(this);
      }
    },
    Menu: {
      buildFromTemplate: (template: MenuItemTemplate[]): FakeMenu => ({ template }),
      setApplicationMenu: (menu: object | null) => {
        applicationMenu = menu ? (menu as FakeMenu).template : null;
      },
    },
    Notification: NotificationClass,
    nativeImage: {
      createFromBuffer: (png: Buffer): FakeImage => ({ png, isEmpty: () => png.length === 0 }),
    },
    screen: { getAllDisplays: () => displays, getPrimaryDisplay: () => displays[0]! },
    shell: {
      openExternal: (url: string) => {
        externalUrls.push(url);
        return Promise.resolve();
      },
    },
    ipcMain: {
      handle: (
        channel: string,
        listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>,
      ) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel: string) => {
        handlers.delete(channel);
      },
    },
  } satisfies ElectronMain;

  return {
    electron: electron as ElectronMain,
    app,
    windows,
    trays,
    notifications,
    handlers,
    externalUrls,
    applicationMenu: () => applicationMenu,
    /** Calls a channel as a page would, from a frame at `frameUrl` (top frame unless `parent`). */
    invoke(
      channel: string,
      payload: unknown,
      frameUrl: string,
      parent: WebFrameMain | null = null,
    ) {
      const handler = handlers.get(channel);
      if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
      return handler({ senderFrame: { url: frameUrl, parent } }, payload);
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Lets promise callbacks (app.whenReady().then…) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
