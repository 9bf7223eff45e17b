// @vitest-environment happy-dom
import { act, cleanup, configure, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PageView } from '../../../shared/src/api-types';
import type {
  DesktopNotification,
  DesktopSettingsInput,
  DesktopSettingsView,
  RunwayDesktopBridge,
} from '../../../shared/src/desktop-bridge';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { RunwayClient } from '../api/runway-client';
import { useSession } from '../api/session-store';
import { connectLiveChanges } from '../app/live-changes';
import { useLocation } from '../app/router';
import type { WebNotifications } from './alert-sink';
import { DesktopShell } from './desktop-shell';
import { auditEntry, page } from './testing/alert-fixtures';

// Reloads of the open pages wait out a short coalescing delay: leave room on a busy machine.
configure({ asyncUtilTimeout: 5_000 });

/** The live stream the console listens to, driven by the test instead of a server. */
function fakeLiveStream() {
  let handlers: {
    onStarted?: () => void;
    onData?: (event: { id: string; data: AuditEntryView }) => void;
  } = {};
  const client = {
    queue: {
      changes: {
        subscribe: (_input: unknown, next: typeof handlers) => {
          handlers = next;
          return { unsubscribe: () => {} };
        },
      },
    },
  } as unknown as RunwayClient;
  const stop = connectLiveChanges(client, { onUnauthorized: () => {} });
  return {
    stop,
    commit: (entry: AuditEntryView) =>
      act(() => handlers.onData!({ id: String(entry.seq), data: entry })),
  };
}

/** The Electron bridge as the preload gives it, recording calls; events fired by the test. */
function fakeBridge(settings: Partial<DesktopSettingsView> = {}) {
  const listeners = {
    navigate: new Set<(p: { path: string }) => void>(),
    openSettings: new Set<(payload: null) => void>(),
  };
  const calls = {
    notify: [] as DesktopNotification[],
    badge: [] as number[],
    saved: [] as DesktopSettingsInput[],
    resets: 0,
  };
  let reloading = false;
  const bridge: RunwayDesktopBridge = {
    getSettings: async () => ({
      serverUrl: 'http://127.0.0.1:7400',
      hasToken: true,
      source: 'launcher',
      localServerUrl: 'http://127.0.0.1:7400',
      ...settings,
    }),
    saveSettings: async (input) => {
      calls.saved.push(input);
      return { reloading };
    },
    resetSettings: async () => {
      calls.resets += 1;
      return { reloading: true };
    },
    setBadge: async ({ count }) => {
      calls.badge.push(count);
      return null;
    },
    notify: async (notification) => {
      calls.notify.push(notification);
      return null;
    },
    openExternal: async () => null,
    onNavigate: (listener) => {
      listeners.navigate.add(listener);
      return () => listeners.navigate.delete(listener);
    },
    onOpenSettings: (listener) => {
      listeners.openSettings.add(listener);
      return () => listeners.openSettings.delete(listener);
    },
  };
  return {
    bridge,
    calls,
    willReload: () => (reloading = true),
    navigate: (path: string) =>
      act(() => listeners.navigate.forEach((listener) => listener({ path }))),
    openSettings: () => act(() => listeners.openSettings.forEach((listener) => listener(null))),
  };
}

let stream: ReturnType<typeof fakeLiveStream>;
let openPages: PageView[];
const loadPages = vi.fn(async () => openPages);

beforeEach(() => {
  document.title = 'Runway';
  localStorage.clear();
  window.history.replaceState(null, '', '/queue');
  useLocation.setState({ path: '/queue' });
  useSession.setState({ token: 'rwy_admin', user: { name: 'admin', role: 'admin' } });
  openPages = [page(3)];
  loadPages.mockClear();
  stream = fakeLiveStream();
});
afterEach(() => {
  cleanup();
  stream.stop();
});

describe('the desktop shell in Electron', () => {
  it('badges the open pages, and announces only what happens after start: pages and automatic rollbacks', async () => {
    const fake = fakeBridge();
    render(<DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />);
    await waitFor(() => expect(fake.calls.badge).toEqual([1]));
    expect(document.title).toBe('(1) Runway');
    expect(fake.calls.notify).toEqual([]);

    // A guardrail rolls back checkout-v2: announced at once from the live stream …
    openPages = [
      page(5, { kind: 'rollback', summary: 'rolled back: guardrail' }),
      page(4),
      page(3),
    ];
    stream.commit(auditEntry(60));
    expect(fake.calls.notify).toEqual([
      {
        title: 'Runway rolled back checkout-v2',
        body: 'guardrail error_rate failed: 0.041 > 0.02 (max)',
        experimentKey: 'checkout-v2',
      },
    ]);
    // … and the pages reloaded: the new guardrail page is news, the rollback's own page is not.
    await waitFor(() => expect(fake.calls.badge.at(-1)).toBe(3));
    expect(fake.calls.notify.map((notification) => notification.title)).toEqual([
      'Runway rolled back checkout-v2',
      'Guardrail failed: checkout-v2',
    ]);
    expect(document.title).toBe('(3) Runway');
    // A person's rollback is no automatic one.
    stream.commit(auditEntry(61, { actor: 'bob', experimentKey: 'search-ranking' }));
    expect(fake.calls.notify).toHaveLength(2);
  });

  it('shows what a deep link or a notification click asks for', () => {
    const fake = fakeBridge();
    render(<DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />);
    fake.navigate('/experiments/checkout-v2');
    expect(useLocation.getState().path).toBe('/experiments/checkout-v2');
    expect(window.location.pathname).toBe('/experiments/checkout-v2');
  });

  it('keeps the token the console signed in with as the window’s setting', async () => {
    const fake = fakeBridge();
    render(<DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />);
    await waitFor(() =>
      expect(fake.calls.saved).toEqual([{ serverUrl: window.location.origin, token: 'rwy_admin' }]),
    );
  });

  it('changes the server in the settings dialog, refusing what is not a URL', async () => {
    const user = userEvent.setup();
    const fake = fakeBridge();
    render(<DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />);
    expect(screen.queryByRole('dialog')).toBeNull();
    fake.openSettings();
    const dialog = await screen.findByRole('dialog', { name: 'Server settings' });
    const url = await screen.findByDisplayValue('http://127.0.0.1:7400');
    expect(dialog.textContent).toContain(
      'Now: http://127.0.0.1:7400 (handed over by npm start, with a token)',
    );
    fake.calls.saved.length = 0;

    await user.clear(url);
    await user.type(url, 'ftp://runway.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toContain(
      'Server URL: must be an http:// or https:// URL',
    );
    expect(fake.calls.saved).toEqual([]);

    fake.willReload();
    await user.clear(url);
    await user.type(url, 'https://runway.example.com');
    await user.type(screen.getByLabelText('API token'), 'rwy_remote');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(fake.calls.saved).toEqual([
      { serverUrl: 'https://runway.example.com', token: 'rwy_remote' },
    ]);
    expect((await screen.findByRole('status')).textContent).toBe('Connecting to the new server…');
  });

  it('switches the console to a new token for the same server, and offers the way back to the local server', async () => {
    const user = userEvent.setup();
    const fake = fakeBridge({ source: 'saved', serverUrl: 'http://127.0.0.1:7400' });
    render(<DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />);
    fake.openSettings();
    await screen.findByDisplayValue('http://127.0.0.1:7400');
    await user.type(screen.getByLabelText('API token'), 'rwy_vic');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(useSession.getState().token).toBe('rwy_vic');

    fake.openSettings();
    await user.click(
      await screen.findByRole('button', { name: 'Use the local server (http://127.0.0.1:7400)' }),
    );
    expect(fake.calls.resets).toBe(1);
  });

  it('clears the badge when the console signs out', async () => {
    const fake = fakeBridge();
    const { unmount } = render(
      <DesktopShell bridge={fake.bridge} loadPages={loadPages} notifications={null} />,
    );
    await waitFor(() => expect(fake.calls.badge).toEqual([1]));
    unmount();
    expect(fake.calls.badge).toEqual([1, 0]);
    expect(document.title).toBe('Runway');
  });
});

describe('the desktop features in a browser', () => {
  function webNotifications(permission: NotificationPermission) {
    const shown: Array<{ title: string; onclick: (() => void) | null }> = [];
    const api = class {
      static permission = permission;
      static requestPermission = vi.fn(async () => {
        api.permission = 'granted';
        return 'granted' as const;
      });
      onclick: (() => void) | null = null;
      constructor(readonly title: string) {
        shown.push(this);
      }
      close() {}
    };
    return { api, shown, asWeb: api as unknown as WebNotifications };
  }

  it('offers notifications with the first alert it could not show, asks only on the click, then notifies', async () => {
    const user = userEvent.setup();
    const web = webNotifications('default');
    render(<DesktopShell bridge={null} loadPages={loadPages} notifications={web.asWeb} />);
    await waitFor(() => expect(document.title).toBe('(1) Runway'));
    // Nothing on load: the open pages were there before the console.
    expect(screen.queryByLabelText('Desktop notifications')).toBeNull();

    openPages = [page(4, { experimentKey: 'search-ranking' }), page(3)];
    stream.commit(auditEntry(70, { action: 'experiment.pause' }));
    const offer = await screen.findByLabelText('Desktop notifications');
    expect(offer.textContent).toContain('Guardrail failed: search-ranking');
    expect(document.title).toBe('(2) Runway');
    expect(web.api.requestPermission).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Turn on notifications' }));
    expect(web.api.requestPermission).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByLabelText('Desktop notifications')).toBeNull());

    openPages = [page(5, { experimentKey: 'cart-redesign' }), ...openPages];
    stream.commit(auditEntry(71, { action: 'experiment.pause' }));
    await waitFor(() =>
      expect(web.shown.map((notification) => notification.title)).toEqual([
        'Guardrail failed: cart-redesign',
      ]),
    );
    act(() => web.shown[0]!.onclick!());
    expect(useLocation.getState().path).toBe('/experiments/cart-redesign');
  });

  it('remembers "Not now", and offers nothing where the browser already answered', async () => {
    const user = userEvent.setup();
    const raisePage = async (id: number): Promise<void> => {
      openPages = [page(id), ...openPages];
      stream.commit(auditEntry(100 + id, { action: 'experiment.pause' }));
      await waitFor(() => expect(document.title).toBe(`(${openPages.length}) Runway`));
    };
    const first = render(
      <DesktopShell
        bridge={null}
        loadPages={loadPages}
        notifications={webNotifications('default').asWeb}
      />,
    );
    await waitFor(() => expect(document.title).toBe('(1) Runway'));
    await raisePage(4);
    await user.click(await screen.findByRole('button', { name: 'Not now' }));
    expect(screen.queryByLabelText('Desktop notifications')).toBeNull();
    first.unmount();

    render(
      <DesktopShell
        bridge={null}
        loadPages={loadPages}
        notifications={webNotifications('default').asWeb}
      />,
    );
    await waitFor(() => expect(document.title).toBe('(2) Runway'));
    await raisePage(5);
    expect(screen.queryByLabelText('Desktop notifications')).toBeNull();
    cleanup();

    localStorage.clear();
    render(
      <DesktopShell
        bridge={null}
        loadPages={loadPages}
        notifications={webNotifications('denied').asWeb}
      />,
    );
    await waitFor(() => expect(document.title).toBe('(3) Runway'));
    await raisePage(6);
    expect(screen.queryByLabelText('Desktop notifications')).toBeNull();
  });
});
