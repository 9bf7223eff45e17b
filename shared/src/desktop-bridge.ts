// The one typed map of the channels between the console (renderer) and the Electron main
// process (CONVENTIONS §8, the GitHub Desktop model). The preload script exposes exactly these
// channels as `window.runwayDesktop`; main registers exactly these and validates every payload
// with the schemas below before acting. Nothing else crosses the process boundary.
import { z } from 'zod';
import { isConsoleRoute } from './console-routes';
import { EXPERIMENT_KEY_PATTERN } from './spec/spec-schema';

/** A URL of the http(s) kind: the only kind the desktop shell opens or connects to. */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The Runway server the window connects to, as typed by a person: an http(s) URL whose origin
 * is kept (the console lives at `/` of the server, DESIGN §6).
 */
export const serverUrlSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(2_000)
  .refine(isHttpUrl, { message: 'must be an http:// or https:// URL, like http://127.0.0.1:7400' })
  .transform((text) => new URL(text).origin);

/** An API token: printable characters without spaces (what `runway token create` prints). */
export const apiTokenSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,512}$/, { message: 'must be a token without spaces' });

/** A path of the console's own routes (`/queue`, `/experiments/KEY`, …): what a click opens. */
export const consolePathSchema = z
  .string()
  .max(300)
  .refine((path) => path.startsWith('/') && !path.startsWith('//') && isConsoleRoute(path), {
    message: 'must be a path of the console, like /experiments/checkout-v2',
  });

export const desktopNotificationSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(1_000),
  /** Clicking the notification opens this experiment (null: just brings the window forward). */
  experimentKey: z.string().regex(EXPERIMENT_KEY_PATTERN).nullable(),
});
export type DesktopNotification = z.infer<typeof desktopNotificationSchema>;

export const desktopSettingsInputSchema = z.strictObject({
  serverUrl: serverUrlSchema,
  /** null keeps the token in use when the server stays the same, and means none for another. */
  token: apiTokenSchema.nullable(),
});
export type DesktopSettingsInput = z.input<typeof desktopSettingsInputSchema>;

/**
 * Where the settings in force come from: saved in the settings dialog, handed over by
 * `npm start` (the local server and its admin token), or the built-in local default.
 */
export const settingsSourceSchema = z.enum(['saved', 'launcher', 'default']);
export type SettingsSource = z.infer<typeof settingsSourceSchema>;

/** What the renderer is told about the settings: never the token itself, only whether one is set. */
export const desktopSettingsViewSchema = z.strictObject({
  serverUrl: z.string(),
  hasToken: z.boolean(),
  source: settingsSourceSchema,
  /** What "Use the local server" returns to. */
  localServerUrl: z.string(),
});
export type DesktopSettingsView = z.infer<typeof desktopSettingsViewSchema>;

const reloadResultSchema = z.strictObject({
  /** True when the window is about to load the console from another server. */
  reloading: z.boolean(),
});
const nothing = z.null();

/** Renderer → main calls (ipcRenderer.invoke / ipcMain.handle), by bridge method name. */
export const DESKTOP_INVOKE_CHANNELS = {
  getSettings: {
    channel: 'runway:get-settings',
    payload: nothing,
    result: desktopSettingsViewSchema,
  },
  saveSettings: {
    channel: 'runway:save-settings',
    payload: desktopSettingsInputSchema,
    result: reloadResultSchema,
  },
  resetSettings: { channel: 'runway:reset-settings', payload: nothing, result: reloadResultSchema },
  setBadge: {
    channel: 'runway:set-badge',
    payload: z.strictObject({ count: z.number().int().min(0).max(1_000_000) }),
    result: nothing,
  },
  notify: { channel: 'runway:notify', payload: desktopNotificationSchema, result: nothing },
  openExternal: {
    channel: 'runway:open-external',
    payload: z.strictObject({
      url: z.string().max(4_000).refine(isHttpUrl, { message: 'must be an http(s) URL' }),
    }),
    result: nothing,
  },
} as const;

/** Main → renderer events (webContents.send / ipcRenderer.on), by event name. */
export const DESKTOP_EVENT_CHANNELS = {
  /** A deep link or a notification click: show this console path. */
  navigate: { channel: 'runway:navigate', payload: z.strictObject({ path: consolePathSchema }) },
  /** The "Server settings…" menu item. */
  openSettings: { channel: 'runway:open-settings', payload: nothing },
} as const;

export type DesktopInvokeName = keyof typeof DESKTOP_INVOKE_CHANNELS;
export type DesktopEventName = keyof typeof DESKTOP_EVENT_CHANNELS;

type InvokeSpec<N extends DesktopInvokeName> = (typeof DESKTOP_INVOKE_CHANNELS)[N];
/** What the renderer passes (before main's schema trims and normalises it). */
export type InvokePayload<N extends DesktopInvokeName> = z.input<InvokeSpec<N>['payload']>;
/** What main's handler receives: the payload after validation. */
export type ValidInvokePayload<N extends DesktopInvokeName> = z.output<InvokeSpec<N>['payload']>;
export type InvokeResult<N extends DesktopInvokeName> = z.output<InvokeSpec<N>['result']>;
export type EventPayload<E extends DesktopEventName> = z.output<
  (typeof DESKTOP_EVENT_CHANNELS)[E]['payload']
>;

/** `onNavigate`, `onOpenSettings`: the listener method of each event. */
export type EventMethodName<E extends DesktopEventName> = `on${Capitalize<E>}`;

/**
 * `window.runwayDesktop`: one method per invoke channel (no argument where the payload is
 * null), and one `onEvent(listener)` per event, returning the function that stops listening.
 */
export type RunwayDesktopBridge = {
  readonly [N in DesktopInvokeName]: InvokePayload<N> extends null
    ? () => Promise<InvokeResult<N>>
    : (payload: InvokePayload<N>) => Promise<InvokeResult<N>>;
} & {
  readonly [E in DesktopEventName as EventMethodName<E>]: (
    listener: (payload: EventPayload<E>) => void,
  ) => () => void;
};

export function eventMethodName<E extends DesktopEventName>(event: E): EventMethodName<E> {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}` as EventMethodName<E>;
}

/** Every method name the bridge has, in map order: what preload exposes and tests compare. */
export function desktopBridgeMethodNames(): string[] {
  return [
    ...Object.keys(DESKTOP_INVOKE_CHANNELS),
    ...(Object.keys(DESKTOP_EVENT_CHANNELS) as DesktopEventName[]).map(eventMethodName),
  ];
}
