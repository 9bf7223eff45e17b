// Where alerts go. In Electron: native notifications and the tray badge, through the bridge.
// In a browser: the web Notification API (once the operator allowed it: the first alert that
// could not be shown offers it, see notification-offer.tsx) and a count in the tab's title,
// "(3) Runway". Both keep the title
// count, so the window's title bar says it too. A click opens the experiment at its plain
// console path, `/experiments/KEY`.
import type { RunwayDesktopBridge } from '../../../shared/src/desktop-bridge';
import { experimentPath } from '../app/routes';
import type { DesktopAlert } from './desktop-alerts';

export interface AlertSink {
  readonly kind: 'desktop' | 'browser';
  show(alert: DesktopAlert): void;
  setOpenPageCount(count: number): void;
}

const BADGE_PREFIX = /^\(\d+\)\s+/;

/** The page title with the count of open pages in front, or without one for none. */
export function badgedTitle(title: string, count: number): string {
  const plain = title.replace(BADGE_PREFIX, '');
  return count > 0 ? `(${count}) ${plain}` : plain;
}

function setTitleCount(doc: Pick<Document, 'title'>, count: number): void {
  const next = badgedTitle(doc.title, count);
  if (doc.title !== next) doc.title = next;
}

function reportFailure(what: string): (error: unknown) => void {
  // The bridge refused or main failed: say so in the console's log rather than lose it.
  return (error) => console.warn(`runway desktop: ${what} failed:`, error);
}

export function electronAlertSink(
  bridge: RunwayDesktopBridge,
  doc: Pick<Document, 'title'> = document,
): AlertSink {
  return {
    kind: 'desktop',
    show: (alert) => {
      bridge
        .notify({ title: alert.title, body: alert.body, experimentKey: alert.experimentKey })
        .catch(reportFailure('a notification'));
    },
    setOpenPageCount: (count) => {
      setTitleCount(doc, count);
      bridge.setBadge({ count }).catch(reportFailure('the badge'));
    },
  };
}

/** The web Notification API, as far as the console uses it. */
export interface WebNotifications {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (
    title: string,
    options?: NotificationOptions,
  ): {
    onclick: ((event: Event) => void) | null;
    close(): void;
  };
}

/** The browser's Notification API, or null where there is none (some mobile browsers, http pages). */
export function webNotifications(): WebNotifications | null {
  return typeof window !== 'undefined' && 'Notification' in window
    ? (window.Notification as unknown as WebNotifications)
    : null;
}

export interface BrowserSinkEnv {
  notifications: WebNotifications | null;
  doc: Pick<Document, 'title'>;
  focusWindow(): void;
  navigate(path: string): void;
  /** An alert the browser could have shown had the operator allowed it (permission not asked yet). */
  onNotAllowedYet?(alert: DesktopAlert): void;
}

export function browserAlertSink(env: BrowserSinkEnv): AlertSink {
  return {
    kind: 'browser',
    show: (alert) => {
      const api = env.notifications;
      if (!api) return;
      // Never ask here: asking needs a click (notification-offer.tsx). Without permission the
      // title count still tells.
      if (api.permission === 'default') env.onNotAllowedYet?.(alert);
      if (api.permission !== 'granted') return;
      const notification = new api(alert.title, { body: alert.body, tag: alert.id });
      notification.onclick = () => {
        env.focusWindow();
        env.navigate(experimentPath(alert.experimentKey));
        notification.close();
      };
    },
    setOpenPageCount: (count) => setTitleCount(env.doc, count),
  };
}
