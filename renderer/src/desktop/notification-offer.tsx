import { useState } from 'react';
import type { WebNotifications } from './alert-sink';
import type { DesktopAlert } from './desktop-alerts';

const DISMISSED_KEY = 'runway.notifications.offer';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * In a browser, offers desktop notifications when there is first something to notify about,
 * instead of asking on load: the browser's prompt appears only when the operator clicks
 * "Turn on" (a user gesture, as browsers require), and "Not now" is remembered. Nothing shows
 * once the browser has an answer either way.
 */
export function NotificationOffer({
  notifications,
  missed,
}: {
  notifications: WebNotifications | null;
  /** The latest alert that could not be shown for want of permission. */
  missed: DesktopAlert | null;
}) {
  const [answered, setAnswered] = useState(() => storage()?.getItem(DISMISSED_KEY) === 'dismissed');
  if (!missed || !notifications || answered || notifications.permission !== 'default') return null;

  const turnOn = (): void => {
    notifications
      .requestPermission()
      .catch(() => 'default')
      .finally(() => setAnswered(true));
  };
  const notNow = (): void => {
    storage()?.setItem(DISMISSED_KEY, 'dismissed');
    setAnswered(true);
  };
  return (
    <aside className="notification-offer" aria-label="Desktop notifications">
      <p className="notification-offer__alert">{missed.title}</p>
      <p>
        Turn on desktop notifications to hear when Runway pages someone or rolls an experiment back,
        even while this tab is in the background.
      </p>
      <div className="notification-offer__buttons">
        <button type="button" className="button button--quiet" onClick={notNow}>
          Not now
        </button>
        <button type="button" className="button button--primary" onClick={turnOn}>
          Turn on notifications
        </button>
      </div>
    </aside>
  );
}
