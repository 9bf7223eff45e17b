import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';

/**
 * A real Prometheus (Debian's package) for tests: its own config, storage and loopback port,
 * scraping the targets the test names. Nothing is shared with a system Prometheus.
 */

export interface RunningPrometheus {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  /** What Prometheus logged so far (for failure messages). */
  log(): string;
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its config and storage. */
  close(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** `host:port` of each exporter to scrape. */
  readonly scrapeTargets: readonly string[];
  readonly scrapeIntervalMs?: number;
  readonly readyTimeoutMs?: number;
}

const INSTALL_HINT = 'install it with `apt-get install -y prometheus` or set PROMETHEUS_PATH';

export function findPrometheus(): string {
  const fromEnv = process.env.PROMETHEUS_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(`PROMETHEUS_PATH=${fromEnv} does not exist; ${INSTALL_HINT}`);
    return fromEnv;
  }
  if (existsSync('/usr/bin/prometheus')) return '/usr/bin/prometheus';
  throw new Error(`Prometheus not found at /usr/bin/prometheus; ${INSTALL_HINT}`);
}

function prometheusConfig(targets: readonly string[], intervalMs: number): string {
  const interval = `${intervalMs}ms`;
  // scrape_timeout defaults to 10s and must not exceed the interval, so set it too.
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: runway-test',
    '    static_configs:',
    `      - targets: [${targets.map((target) => JSON.stringify(target)).join(', ')}]`,
    '',
  ].join('\n');
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A `sh` that SIGKILLs `pid` and removes `dir` when its stdin reaches EOF, i.e. when this
 * process dies however it dies (a crashed or killed test worker never runs `close()`).
 * Writing a line disarms it.
 */
function killOnOurDeath(pid: number, dir: string): { disarm(): void } {
  const script = 'read _ || { kill -KILL "$0"; rm -rf "$1"; } 2>/dev/null';
  const watchdog = spawn('sh', ['-c', script, String(pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref(): void }).unref();
  return { disarm: () => void watchdog.stdin!.end('\n') };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // A spawn that failed (EACCES) emits 'error' and never 'exit'.
    if (child.pid === undefined) child.once('error', () => resolve());
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

/** Polls `/-/ready` until 200; rejects early if Prometheus exits (bad config, port taken). */
async function waitReady(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void exited(child).then(() => (exitedEarly = true));
  for (;;) {
    if (exitedEarly) throw new Error(`Prometheus exited before it was ready:\n${log()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus not ready within ${timeoutMs} ms:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  const binary = findPrometheus();
  const intervalMs = options.scrapeIntervalMs ?? 1000;
  const dir = await mkdtemp(join(tmpdir(), 'runway-prometheus-'));
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(configPath, prometheusConfig(options.scrapeTargets, intervalMs));
  // The free port can be taken between our probe and Prometheus binding it: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(binary, dir, configPath, options.readyTimeoutMs ?? 20_000);
    } catch (error) {
      const portTaken = String(error).includes('address already in use');
      if (!portTaken || attempt === 3) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function startOn(
  binary: string,
  dir: string,
  configPath: string,
  readyTimeoutMs: number,
): Promise<RunningPrometheus> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const watchdog = child.pid === undefined ? null : killOnOurDeath(child.pid, dir);
  let logText = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    logText = (logText + chunk).slice(-20_000);
  });
  child.once('error', (error) => (logText += `\nspawn failed: ${error.message}`));
  const stopChild = async (): Promise<void> => {
    await stop(child);
    watchdog?.disarm();
  };

  try {
    await waitReady(url, child, readyTimeoutMs, () => logText);
  } catch (error) {
    await stopChild();
    throw error;
  }
  let closed: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closed ??= stopChild().then(() => rm(dir, { recursive: true, force: true })));
  return { url, log: () => logText, close };
}

export interface RunningExporter {
  /** `127.0.0.1:PORT`, as a scrape target. */
  readonly target: string;
  /** How many times Prometheus (or anyone) fetched /metrics. */
  scrapes(): number;
  close(): Promise<void>;
}

/** Serves `registry` on `/metrics` at a loopback port, in the Prometheus text format. */
export async function startExporter(registry: Registry): Promise<RunningExporter> {
  let scrapes = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    scrapes++;
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
