// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionBanner, useBrowserNetworkEvents } from './connection-banner';
import { useConnection } from './connection-store';
import { NavBar } from './nav-bar';
import { useLocation } from './router';
import { SignIn } from './sign-in';

beforeEach(() => {
  useConnection.setState({ status: 'connecting', lostAtMs: null, lastProblem: null });
  window.history.replaceState(null, '', '/queue');
  useLocation.setState({ path: '/queue' });
});
afterEach(cleanup);

function BannerWithNetworkEvents() {
  useBrowserNetworkEvents();
  return <ConnectionBanner />;
}

describe('the connection banner', () => {
  it('appears when the server is lost and goes away by itself when it answers again', () => {
    render(<BannerWithNetworkEvents />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    act(() => useConnection.getState().markOnline());
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    act(() => useConnection.getState().markLost('The live update stream was interrupted.'));
    const banner = screen.getByTestId('connection-banner');
    expect(banner.textContent).toContain('Connection lost — reconnecting…');
    expect(banner.textContent).toContain('The live update stream was interrupted.');
    act(() => useConnection.getState().markOnline());
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  it('follows the browser going offline and back', () => {
    render(<BannerWithNetworkEvents />);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(screen.getByTestId('connection-banner').textContent).toContain('You are offline');
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(screen.getByTestId('connection-banner').textContent).toContain(
      'Connection lost — reconnecting…',
    );
    act(() => useConnection.getState().markOnline());
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });
});

describe('the sign-in form', () => {
  it('takes a pasted token, trimmed, and shows why the last one was refused', async () => {
    const onSignIn = vi.fn();
    const user = userEvent.setup();
    render(<SignIn problem="The server did not accept your token." onSignIn={onSignIn} />);
    expect(screen.getByRole('alert').textContent).toBe('The server did not accept your token.');
    const submit = screen.getByRole('button', { name: 'Sign in' });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByLabelText('API token'), '  rwy_pasted  ');
    await user.click(submit);
    expect(onSignIn).toHaveBeenCalledWith('rwy_pasted');
  });
});

describe('the navigation bar', () => {
  it('shows who is signed in with their role, and navigates without reloading', async () => {
    const user = userEvent.setup();
    const onSignOut = vi.fn();
    render(<NavBar user={{ name: 'vic', role: 'viewer' }} onSignOut={onSignOut} />);
    const current = screen.getByTestId('current-user');
    expect(current.textContent).toContain('vic');
    expect(current.textContent).toContain('viewer');
    expect(screen.getByRole('link', { name: 'Queue' }).className).toContain(
      'nav-bar__link--active',
    );

    await user.click(screen.getByRole('link', { name: 'Graph' }));
    expect(window.location.pathname).toBe('/graph');
    expect(useLocation.getState().path).toBe('/graph');
    expect(screen.getByRole('link', { name: 'Graph' }).className).toContain(
      'nav-bar__link--active',
    );
    expect(screen.getByRole('link', { name: 'Graph' }).getAttribute('aria-current')).toBe('page');

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(onSignOut).toHaveBeenCalled();
  });

  it('follows the back button', () => {
    render(<NavBar user={{ name: 'vic', role: 'viewer' }} onSignOut={vi.fn()} />);
    act(() => useLocation.getState().navigate('/plan'));
    expect(window.location.pathname).toBe('/plan');
    act(() => {
      window.history.replaceState(null, '', '/audit');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    expect(useLocation.getState().path).toBe('/audit');
    expect(screen.getByRole('link', { name: 'Audit log' }).className).toContain(
      'nav-bar__link--active',
    );
  });
});
