import { describe, expect, it, vi } from 'vitest';
import type { RunwayDesktopBridge } from '../../../shared/src/desktop-bridge';
import {
  badgedTitle,
  browserAlertSink,
  electronAlertSink,
  type WebNotifications,
} from './alert-sink';
import type { DesktopAlert } from './desktop-alerts';

const ALERT: DesktopAlert = {
  id: 'page:7',
  title: 'Guardrail failed: checkout-v2',
  body: 'error_rate over 0.02',
  experimentKey: 'checkout-v2',
};

function fakeWebNotifications(permission: NotificationPermission) {
  const created: Array<{
    title: string;
    options?: NotificationOptions;
    instance: { onclick: ((event: Event) => void) | null; closed: boolean };
  }> = [];
  const api = class {
    static permission = permission;
    static requestPermission = vi.fn(async () => permission);
    onclick: ((event: Event) => void) | null = null;
    closed = false;
    constructor(title: string, options?: NotificationOptions) {
      created.push({ title, ...(options ? { options } : {}), instance: this });
    }
    close() {
      this.closed = true;
    }
  };
  return { api: api as unknown as WebNotifications, created };
}

describe('the title badge', () => {
  it('puts the count in front of the title, replaces an old count, and clears it at zero', () => {
    expect(badgedTitle('Runway', 3)).toBe('(3) Runway');
    expect(badgedTitle('(3) Runway', 12)).toBe('(12) Runway');
    expect(badgedTitle('(12) Runway', 0)).toBe('Runway');
    expect(badgedTitle('(beta) Runway', 0)).toBe('(beta) Runway');
  });
});

describe('alerts in Electron', () => {
  it('go to native notifications and the badge through the bridge', async () => {
    const bridge = {
      notify: vi.fn(async () => null),
      setBadge: vi.fn(async () => null),
    } as unknown as RunwayDesktopBridge;
    const doc = { title: 'Runway' };
    const sink = electronAlertSink(bridge, doc);
    sink.show(ALERT);
    sink.setOpenPageCount(2);
    expect(bridge.notify).toHaveBeenCalledWith({
      title: 'Guardrail failed: checkout-v2',
      body: 'error_rate over 0.02',
      experimentKey: 'checkout-v2',
    });
    expect(bridge.setBadge).toHaveBeenCalledWith({ count: 2 });
    expect(doc.title).toBe('(2) Runway');
  });
});

describe('alerts in a browser', () => {
  it('show a web notification once permitted; a click focuses the tab and opens the experiment’s plain URL', () => {
    const { api, created } = fakeWebNotifications('granted');
    const navigate = vi.fn();
    const focusWindow = vi.fn();
    const doc = { title: 'Runway' };
    const sink = browserAlertSink({ notifications: api, doc, focusWindow, navigate });
    sink.show(ALERT);
    expect(created).toHaveLength(1);
    expect(created[0]!.title).toBe('Guardrail failed: checkout-v2');
    expect(created[0]!.options).toEqual({ body: 'error_rate over 0.02', tag: 'page:7' });
    created[0]!.instance.onclick!(new Event('click'));
    expect(focusWindow).toHaveBeenCalled();
    expect(navigate).toHaveBeenCalledWith('/experiments/checkout-v2');
    expect(created[0]!.instance.closed).toBe(true);
    sink.setOpenPageCount(4);
    expect(doc.title).toBe('(4) Runway');
  });

  it('never ask for permission themselves: the first alert without it is handed on to offer it', () => {
    for (const permission of ['default', 'denied'] as const) {
      const { api, created } = fakeWebNotifications(permission);
      const notAllowed = vi.fn();
      const sink = browserAlertSink({
        notifications: api,
        doc: { title: 'Runway' },
        focusWindow: vi.fn(),
        navigate: vi.fn(),
        onNotAllowedYet: notAllowed,
      });
      sink.show(ALERT);
      expect(created).toEqual([]);
      expect(
        (api as unknown as { requestPermission: () => unknown }).requestPermission,
      ).not.toHaveBeenCalled();
      // Denied is an answer: nothing to offer.
      expect(notAllowed.mock.calls).toEqual(permission === 'default' ? [[ALERT]] : []);
    }
    const sink = browserAlertSink({
      notifications: null,
      doc: { title: 'Runway' },
      focusWindow: vi.fn(),
      navigate: vi.fn(),
    });
    expect(() => sink.show(ALERT)).not.toThrow();
  });
});
