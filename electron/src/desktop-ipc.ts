// Main's side of the bridge: one ipcMain handler per channel of the shared map, and no other.
// Every call is checked before it reaches a handler: the sender must be the console's top frame
// on the server's origin, and the payload must match the channel's schema. A call that fails
// either check is refused with an error that says why, and nothing happens.
import {
  DESKTOP_INVOKE_CHANNELS,
  type DesktopInvokeName,
  type InvokeResult,
  type ValidInvokePayload,
} from '../../shared/src/desktop-bridge';
import type { IpcMain, WebFrameMain } from './electron-api';
import { isTrustedSender } from './navigation-policy';

export type DesktopInvokeHandlers = {
  [N in DesktopInvokeName]: (
    payload: ValidInvokePayload<N>,
  ) => InvokeResult<N> | Promise<InvokeResult<N>>;
};

export class DesktopBridgeError extends Error {
  constructor(
    readonly code: 'UNTRUSTED_SENDER' | 'INVALID_PAYLOAD' | 'UNKNOWN_CHANNEL',
    message: string,
  ) {
    super(message);
    this.name = 'DesktopBridgeError';
  }
}

/** Validates one call and runs its handler; the function behind every registered channel. */
export async function dispatchDesktopCall(
  channel: string,
  args: readonly unknown[],
  sender: WebFrameMain | null,
  serverOrigin: string,
  handlers: DesktopInvokeHandlers,
): Promise<unknown> {
  const entry = Object.entries(DESKTOP_INVOKE_CHANNELS).find(
    ([, spec]) => spec.channel === channel,
  );
  if (!entry) throw new DesktopBridgeError('UNKNOWN_CHANNEL', `no desktop channel ${channel}`);
  if (!isTrustedSender(sender, serverOrigin)) {
    throw new DesktopBridgeError(
      'UNTRUSTED_SENDER',
      `${channel} refused: only the console loaded from ${serverOrigin} may use the desktop bridge`,
    );
  }
  const [name, spec] = entry as [
    DesktopInvokeName,
    (typeof DESKTOP_INVOKE_CHANNELS)[DesktopInvokeName],
  ];
  // Exactly one argument: the preload sends the payload (null where there is none) and nothing else.
  const parsed = args.length === 1 ? spec.payload.safeParse(args[0]) : null;
  if (!parsed?.success) {
    const problems = parsed
      ? parsed.error.issues
          .map(
            (issue) =>
              `${issue.path.length > 0 ? issue.path.join('.') : 'payload'}: ${issue.message}`,
          )
          .join('; ')
      : `expected one payload argument, got ${args.length}`;
    throw new DesktopBridgeError('INVALID_PAYLOAD', `${channel} refused: ${problems}`);
  }
  const handler = handlers[name] as (payload: unknown) => unknown;
  return await handler(parsed.data);
}

/**
 * Registers a handler for each channel of the map. `serverOrigin` is read per call: it changes
 * when the operator points the window at another server. Returns the function that removes them.
 */
export function registerDesktopIpc(
  ipcMain: IpcMain,
  handlers: DesktopInvokeHandlers,
  serverOrigin: () => string,
): () => void {
  const channels = Object.values(DESKTOP_INVOKE_CHANNELS).map((spec) => spec.channel);
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...args) =>
      dispatchDesktopCall(channel, args, event.senderFrame, serverOrigin(), handlers),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
