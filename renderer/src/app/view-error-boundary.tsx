import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** Reloads the page (window.location.reload in the console; replaced in tests). */
  onReload?(): void;
}

interface State {
  error: Error | null;
}

/**
 * What a view that failed to render shows instead of a blank window. Views load their code on
 * demand, so the usual cause is a console left open across a Runway upgrade: the code it asks for
 * was replaced on the server. Reloading fetches the new console. The boundary is keyed by the
 * route, so another view can still be opened.
 */
export class ViewErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('runway console: a view failed to render', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const reload = this.props.onReload ?? (() => window.location.reload());
    return (
      <section className="view">
        <h1>This view could not be shown</h1>
        <p className="notice notice--error" role="alert">
          {isChunkLoadFailure(error)
            ? 'Its code could not be loaded from the Runway server. If Runway was updated since this console was opened, reloading gets the new version; if the server is unreachable, the banner above says so.'
            : `It failed while rendering: ${error.message}`}
        </p>
        <p>
          <button type="button" className="button button--primary" onClick={reload}>
            Reload the console
          </button>
        </p>
      </section>
    );
  }
}

/** A dynamic import that failed (Chromium's and Firefox's words, and Vite's preload helper's). */
export function isChunkLoadFailure(error: Error): boolean {
  return /dynamically imported module|Importing a module script failed|Unable to preload CSS|error loading dynamically/i.test(
    error.message,
  );
}
