// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import type { Role } from '../../../shared/src/roles';
import { runwayClient } from '../api/runway-client';
import { useSession } from '../api/session-store';
import { useLocation } from '../app/router';
import {
  feedLiveChanges,
  startGraphTestServer,
  type GraphTestServer,
} from '../graph/testing/graph-test-server';
import { clientExportSource, exportAuditCsv, type ExportProgress } from './audit-export';
import { AuditView } from './audit-view';
import { parseCsv } from './testing/parse-csv';

// The audit view against the real server on loopback (in this process, so the test can make
// changes through the services and feed the live stream from the server's own change feed).

const FORMULA_REASON = '=HYPERLINK("http://evil.example","click"), ünïcødé 🚀';
let server: GraphTestServer;
let stopLive: (() => void) | null = null;

/** Three experiments enqueued and started, one paused (with a hostile reason) and resumed, a freeze. */
function seedHistory(): void {
  const { runway, actors } = server;
  const spec = (key: string, service: string) => ({
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    service,
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 10, hold: '1h' }],
  });
  runway.experiments.enqueue(
    { specs: [spec('checkout-v2', 'checkout'), spec('search-v3', 'search')] },
    actors.alice,
  );
  runway.scheduler.tick();
  const { version } = runway.experiments.get('checkout-v2', actors.alice);
  const paused = runway.experiments.pause('checkout-v2', version, FORMULA_REASON, actors.alice);
  runway.experiments.resume('checkout-v2', paused.changed[0]!.version, null, actors.alice);
  runway.policy.freeze(
    { service: 'search', untilMs: Date.now() + 3_600_000, reason: 'launch day' },
    actors.bob,
  );
}

/** What the server holds, newest first, as the view should show it. */
function serverEntries(filter: { experimentKey?: string; actor?: string } = {}): AuditEntryView[] {
  return server.runway.audit.list({ ...filter, limit: 10_000 });
}

const shownSeqs = (): number[] =>
  screen.queryAllByTestId('audit-row').map((row) => Number(row.getAttribute('data-seq')));

function signIn(name: 'alice' | 'vic', role: Role): void {
  useSession.setState({ token: server.tokens[name], user: { name, role } });
}

function openAt(pathAndSearch: string): void {
  window.history.replaceState(null, '', pathAndSearch);
  useLocation.setState({ path: window.location.pathname });
}

beforeEach(async () => {
  server = await startGraphTestServer();
  seedHistory();
});
afterEach(async () => {
  cleanup();
  stopLive?.();
  stopLive = null;
  vi.restoreAllMocks();
  await (
    window as unknown as { happyDOM: { waitUntilComplete(): Promise<void> } }
  ).happyDOM.waitUntilComplete();
  useSession.setState({ token: null, user: null });
  await server.stop();
});

describe('the audit log view', () => {
  it('lists every entry newest first, with its columns, links and the chain verified', async () => {
    signIn('vic', 'viewer');
    openAt('/audit');
    render(<AuditView />);
    const expected = serverEntries();
    await waitFor(() => expect(shownSeqs()).toEqual(expected.map((entry) => entry.seq)));

    const table = screen.getByRole('table', { name: 'Audit log entries' });
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual([
      '#',
      'Time (UTC)',
      'Actor',
      'Action',
      'Experiment',
      'Change',
      'Reason',
    ]);
    expect(headers.every((header) => header.getAttribute('scope') === 'col')).toBe(true);
    expect(headers[0]!.getAttribute('aria-sort')).toBe('descending');

    const pause = expected.find((entry) => entry.action === 'experiment.pause')!;
    const row = screen
      .getAllByTestId('audit-row')
      .find((candidate) => candidate.getAttribute('data-seq') === String(pause.seq))!;
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual([
      String(pause.seq),
      new Date(pause.at).toISOString().slice(0, 19).replace('T', ' '),
      'alice',
      'experiment.pause',
      'checkout-v2',
      'running → paused',
      FORMULA_REASON,
    ]);
    expect(within(row).getByRole('link', { name: 'checkout-v2' }).getAttribute('href')).toBe(
      '/experiments/checkout-v2',
    );
    expect(screen.getByText(`All ${expected.length} entries.`)).toBeTruthy();
    const chain = await screen.findByText(/Hash chain intact/);
    expect(chain.textContent).toContain(`${expected.length} entries verified`);
  });

  it('takes its filters from the address bar, puts applied ones there, and follows Back', async () => {
    signIn('vic', 'viewer');
    openAt('/audit?experiment=checkout-v2');
    render(<AuditView />);
    const checkout = serverEntries({ experimentKey: 'checkout-v2' });
    await waitFor(() => expect(shownSeqs()).toEqual(checkout.map((entry) => entry.seq)));
    const form = screen.getByRole('search', { name: 'Filter the audit log' });
    expect((within(form).getByLabelText('Experiment') as HTMLInputElement).value).toBe(
      'checkout-v2',
    );

    fireEvent.change(within(form).getByLabelText('Actor'), {
      target: { value: 'runway:scheduler' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply filters' }));
    expect(window.location.pathname).toBe('/audit');
    expect(window.location.search).toBe('?experiment=checkout-v2&actor=runway%3Ascheduler');
    const started = serverEntries({ experimentKey: 'checkout-v2', actor: 'runway:scheduler' });
    expect(started.map((entry) => entry.action)).toEqual(['experiment.start']);
    await waitFor(() => expect(shownSeqs()).toEqual([started[0]!.seq]));

    // Back: the address bar names the earlier filters, and the view follows.
    act(() => {
      window.history.replaceState(null, '', '/audit?experiment=checkout-v2');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await waitFor(() => expect(shownSeqs()).toEqual(checkout.map((entry) => entry.seq)));
    // (the form shows the filters in force: it was rebuilt for them)
    const shownForm = screen.getByRole('search', { name: 'Filter the audit log' });
    expect((within(shownForm).getByLabelText('Actor') as HTMLInputElement).value).toBe('');
    expect((within(shownForm).getByLabelText('Experiment') as HTMLInputElement).value).toBe(
      'checkout-v2',
    );
  });

  it('filters by a time range and says when nothing matches, with a way back', async () => {
    signIn('vic', 'viewer');
    const all = serverEntries();
    const pause = all.find((entry) => entry.action === 'experiment.pause')!;
    openAt(`/audit?since=${new Date(pause.at).toISOString()}`);
    render(<AuditView />);
    await waitFor(() =>
      expect(shownSeqs()).toEqual(all.filter((entry) => entry.at >= pause.at).map((e) => e.seq)),
    );

    const form = screen.getByRole('search', { name: 'Filter the audit log' });
    fireEvent.change(within(form).getByLabelText('Before (UTC)'), {
      target: { value: '2020-01-01T00:00' },
    });
    expect(within(form).getByRole('alert').textContent).toBe(
      'The end of the time range must be after its start.',
    );
    expect(
      (within(form).getByRole('button', { name: 'Apply filters' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    fireEvent.change(within(form).getByLabelText('From (UTC)'), { target: { value: '' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply filters' }));
    expect(window.location.search).toBe('?until=2020-01-01T00%3A00%3A00Z');
    await screen.findByText('No entry matches these filters.');

    fireEvent.click(screen.getAllByRole('button', { name: 'Clear filters' }).at(-1)!);
    expect(window.location.search).toBe('');
    await waitFor(() => expect(shownSeqs()).toEqual(all.map((entry) => entry.seq)));
  });

  it('pages back with "Load older entries" until the first entry, each entry once', async () => {
    signIn('vic', 'viewer');
    openAt('/audit');
    render(<AuditView pageSize={4} />);
    const all = serverEntries().map((entry) => entry.seq);
    await waitFor(() => expect(shownSeqs()).toEqual(all.slice(0, 4)));
    expect(screen.getByText('The newest 4 entries; older ones load on request.')).toBeTruthy();
    for (let shown = 4; shown < all.length; shown += 4) {
      fireEvent.click(screen.getByRole('button', { name: 'Load older entries' }));
      await waitFor(() => expect(shownSeqs()).toEqual(all.slice(0, shown + 4)));
    }
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();
    expect(screen.getByText('That is the first entry of the log.')).toBeTruthy();
  });

  it('puts new entries on top as they are committed, unless the filters exclude them', async () => {
    signIn('vic', 'viewer');
    stopLive = feedLiveChanges(server.runway);
    openAt('/audit?experiment=checkout-v2');
    render(<AuditView pageSize={3} />);
    const before = serverEntries({ experimentKey: 'checkout-v2' }).map((entry) => entry.seq);
    await waitFor(() => expect(shownSeqs()).toEqual(before.slice(0, 3)));

    const { runway, actors } = server;
    act(() => {
      const search = runway.experiments.get('search-v3', actors.alice);
      runway.experiments.pause('search-v3', search.version, 'not in this view', actors.alice);
      const checkout = runway.experiments.get('checkout-v2', actors.alice);
      runway.experiments.pause('checkout-v2', checkout.version, 'live pause', actors.alice);
    });
    const [newest] = serverEntries({ experimentKey: 'checkout-v2' });
    expect(newest).toMatchObject({ action: 'experiment.pause', reason: 'live pause' });
    await waitFor(() => expect(shownSeqs()).toEqual([newest!.seq, ...before.slice(0, 3)]));
    expect(screen.queryByText('not in this view')).toBeNull();
  });

  it('exports every entry the filters select as CSV, fetched in pages, formulas defused', async () => {
    signIn('vic', 'viewer');
    openAt('/audit?experiment=checkout-v2');
    const saved: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved.push(blob as Blob);
      return 'blob:audit-export';
    });
    const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<AuditView pageSize={2} exportPageSize={2} />);
    const expected = serverEntries({ experimentKey: 'checkout-v2' });
    await waitFor(() => expect(shownSeqs()).toHaveLength(2));

    fireEvent.click(screen.getByRole('button', { name: 'Export filtered entries (CSV)' }));
    const today = new Date().toISOString().slice(0, 10);
    await screen.findByText(`Exported ${expected.length} entries to runway-audit-${today}.csv.`);
    expect(clicks).toHaveBeenCalledTimes(1);
    expect((clicks.mock.contexts[0] as HTMLAnchorElement).download).toBe(
      `runway-audit-${today}.csv`,
    );
    const text = await saved[0]!.text();
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...records] = parseCsv(text.slice(1));
    expect(header![0]).toBe('seq');
    // Every matching entry, not only the two loaded in the table.
    expect(records.map((record) => Number(record[0]))).toEqual(expected.map((e) => e.seq));
    const pause = records.find((record) => record[3] === 'experiment.pause')!;
    expect(pause[7]).toBe(`'${FORMULA_REASON}`);
    expect(pause[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('reports export progress page by page, and stops when cancelled', async () => {
    signIn('vic', 'viewer');
    const source = clientExportSource(runwayClient());
    const total = serverEntries().length;
    const progress: ExportProgress[] = [];
    const result = await exportAuditCsv({
      source,
      filter: {},
      signal: new AbortController().signal,
      pageSize: 5,
      onProgress: (step) => progress.push(step),
    });
    expect(result.rows).toBe(total);
    const steps = Math.floor(total / 5) + 1;
    expect(progress).toHaveLength(steps);
    expect(progress.map((step) => step.fetched)).toEqual(
      Array.from({ length: steps }, (_, index) => Math.min(total, (index + 1) * 5)),
    );
    expect(progress.every((step) => step.total === total)).toBe(true);

    const cancel = new AbortController();
    const list = vi.spyOn(source, 'list');
    const stopped = exportAuditCsv({
      source,
      filter: {},
      signal: cancel.signal,
      pageSize: 5,
      onProgress: () => cancel.abort(),
    });
    await expect(stopped).rejects.toThrow();
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('explains a failed load by its code and offers to try again', async () => {
    useSession.setState({ token: 'rwy_not_a_token', user: { name: 'vic', role: 'viewer' } });
    openAt('/audit');
    render(<AuditView />);
    await waitFor(() =>
      expect(screen.getAllByRole('alert').map((alert) => alert.textContent)).toContain(
        'The server did not accept your token (it is unknown or was revoked). Sign in with a valid token.',
      ),
    );
    signIn('vic', 'viewer');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(shownSeqs()).toHaveLength(serverEntries().length));
  });
});
