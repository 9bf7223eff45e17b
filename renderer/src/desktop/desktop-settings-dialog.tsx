import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  desktopSettingsInputSchema,
  type DesktopSettingsView,
  type RunwayDesktopBridge,
  type SettingsSource,
} from '../../../shared/src/desktop-bridge';
import { useSession } from '../api/session-store';
import { errorMessage } from '../app/error-messages';

const SOURCE_TEXT: Record<SettingsSource, string> = {
  saved: 'chosen here',
  launcher: 'handed over by npm start',
  default: 'the local default',
};

const FIELD_LABELS: Record<string, string> = { serverUrl: 'Server URL', token: 'API token' };

/**
 * The desktop window's server and token (Electron only; opened from the "Server settings…"
 * menu item). A new server reloads the window there; a new token for the same server signs the
 * console in with it.
 */
export function DesktopSettingsDialog({
  bridge,
  onClose,
}: {
  bridge: RunwayDesktopBridge;
  onClose(): void;
}) {
  const titleId = useId();
  const urlId = useId();
  const tokenId = useId();
  const [current, setCurrent] = useState<DesktopSettingsView | null>(null);
  const [serverUrl, setServerUrl] = useState('');
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<'editing' | 'saving' | 'reloading'>('editing');

  useEffect(() => {
    let live = true;
    bridge
      .getSettings()
      .then((view) => {
        if (!live) return;
        setCurrent(view);
        // Prefill, unless the operator already started typing.
        setServerUrl((typed) => (typed === '' ? view.serverUrl : typed));
      })
      .catch((error: unknown) => live && setProblem(errorMessage(error)));
    return () => {
      live = false;
    };
  }, [bridge]);

  const finish = (reloading: boolean): void => {
    if (reloading) setStatus('reloading');
    else onClose();
  };
  const fail = (error: unknown): void => {
    setProblem(errorMessage(error));
    setStatus('editing');
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const typed = { serverUrl, token: token.trim() === '' ? null : token };
    const parsed = desktopSettingsInputSchema.safeParse(typed);
    if (!parsed.success) {
      setProblem(
        parsed.error.issues
          .map((issue) => `${FIELD_LABELS[String(issue.path[0])] ?? 'Settings'}: ${issue.message}`)
          .join('; '),
      );
      return;
    }
    setProblem(null);
    setStatus('saving');
    bridge
      .saveSettings(typed)
      .then(({ reloading }) => {
        // Same server, new token: the console switches to it without reloading.
        if (!reloading && parsed.data.token) useSession.getState().setToken(parsed.data.token);
        finish(reloading);
      })
      .catch(fail);
  };
  const useLocal = (): void => {
    setStatus('saving');
    bridge
      .resetSettings()
      .then(({ reloading }) => finish(reloading))
      .catch(fail);
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && status === 'editing') onClose();
  };

  return (
    <div className="desktop-dialog__backdrop">
      <form
        className="desktop-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={submit}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>Server settings</h2>
        <p>
          This window shows the console of one Runway server.
          {current && (
            <>
              {' '}
              Now: <code>{current.serverUrl}</code> ({SOURCE_TEXT[current.source]}
              {current.hasToken ? ', with a token' : ', no token'}).
            </>
          )}
        </p>
        <label htmlFor={urlId} className="desktop-dialog__label">
          Server URL
        </label>
        <input
          id={urlId}
          type="url"
          value={serverUrl}
          onChange={(event) => setServerUrl(event.target.value)}
          placeholder="http://127.0.0.1:7400"
          autoFocus
          required
        />
        <label htmlFor={tokenId} className="desktop-dialog__label">
          API token
        </label>
        <input
          id={tokenId}
          type="password"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          autoComplete="off"
          placeholder={current?.hasToken ? 'unchanged' : 'rwy_…'}
        />
        <p className="hint">
          Leave empty to keep the current token on the same server.{' '}
          <code>npx runway token create</code> makes one.
        </p>
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        {status === 'reloading' && (
          <p className="hint" role="status">
            Connecting to the new server…
          </p>
        )}
        <div className="desktop-dialog__buttons">
          {current?.source === 'saved' && (
            <button
              type="button"
              className="button button--quiet desktop-dialog__local"
              onClick={useLocal}
              disabled={status !== 'editing'}
            >
              Use the local server ({current.localServerUrl})
            </button>
          )}
          <button type="button" className="button button--quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={status !== 'editing'}>
            Save
          </button>
        </div>
      </form>
    </div>
  );
}
