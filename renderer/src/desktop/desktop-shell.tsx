import { useEffect, useMemo, useState } from 'react';
import type { RunwayDesktopBridge } from '../../../shared/src/desktop-bridge';
import { useSession } from '../api/session-store';
import { navigate } from '../app/router';
import {
  browserAlertSink,
  electronAlertSink,
  webNotifications,
  type WebNotifications,
} from './alert-sink';
import type { DesktopAlert } from './desktop-alerts';
import { desktopBridge } from './desktop-bridge';
import { DesktopSettingsDialog } from './desktop-settings-dialog';
import './desktop-shell.css';
import { NotificationOffer } from './notification-offer';
import { loadOpenPages, useDesktopAlerts, type OpenPagesLoader } from './use-desktop-alerts';

interface DesktopShellProps {
  /** Where open pages come from (tests hand in their own). */
  loadPages?: OpenPagesLoader;
  /** The Electron bridge; defaults to `window.runwayDesktop`, null in a browser. */
  bridge?: RunwayDesktopBridge | null;
  notifications?: WebNotifications | null;
}

/**
 * Everything the console does outside its page, mounted while signed in: alerts and the open
 * page count (native in Electron, web APIs in a browser), deep links and notification clicks
 * from the shell, and in Electron the server settings.
 */
export function DesktopShell({
  loadPages = loadOpenPages,
  bridge = desktopBridge(),
  notifications = webNotifications(),
}: DesktopShellProps) {
  const [missed, setMissed] = useState<DesktopAlert | null>(null);
  const sink = useMemo(
    () =>
      bridge
        ? electronAlertSink(bridge)
        : browserAlertSink({
            notifications,
            doc: document,
            focusWindow: () => window.focus(),
            navigate,
            onNotAllowedYet: setMissed,
          }),
    [bridge, notifications],
  );
  useDesktopAlerts(sink, loadPages);
  return bridge ? (
    <ElectronChrome bridge={bridge} />
  ) : (
    <NotificationOffer notifications={notifications} missed={missed} />
  );
}

function ElectronChrome({ bridge }: { bridge: RunwayDesktopBridge }) {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const token = useSession((state) => state.token);

  useEffect(() => {
    const stopNavigate = bridge.onNavigate(({ path }) => navigate(path));
    const stopSettings = bridge.onOpenSettings(() => setSettingsOpen(true));
    return () => {
      stopNavigate();
      stopSettings();
    };
  }, [bridge]);

  // A token pasted into the sign-in form is kept as the window's setting, so the next start
  // does not hand over the old one again; main writes nothing when it is the one in use.
  useEffect(() => {
    if (!token) return;
    bridge
      .saveSettings({ serverUrl: window.location.origin, token })
      .catch((error: unknown) => console.warn('runway desktop: keeping the token failed:', error));
  }, [bridge, token]);

  return settingsOpen ? (
    <DesktopSettingsDialog bridge={bridge} onClose={() => setSettingsOpen(false)} />
  ) : null;
}
