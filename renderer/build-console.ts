// Builds the console into renderer/dist, or, with --if-stale, only when its sources changed since
// the last build (so `npm start` stays fast). The browser end-to-end tests call the same function.
//   tsx renderer/build-console.ts [--if-stale]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const RENDERER_DIR = fileURLToPath(new URL('.', import.meta.url));
const REPO_DIR = join(RENDERER_DIR, '..');
export const CONSOLE_DIST_DIR = join(RENDERER_DIR, 'dist');
/** What the last build was made from; a dotfile, so the server never serves it. */
const STAMP_FILE = join(CONSOLE_DIST_DIR, '.build-stamp');
const LOCK_DIR = join(RENDERER_DIR, '.console-build.lock');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;
const LOCK_WAIT_MS = 4 * 60_000;

/** Files the bundle is made from: the renderer and its public files, the shared code it imports, the locked deps. */
function inputFiles(): string[] {
  const files = [
    join(RENDERER_DIR, 'index.html'),
    join(RENDERER_DIR, 'vite.config.ts'),
    join(REPO_DIR, 'package-lock.json'),
  ];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/\.test\.tsx?$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(RENDERER_DIR, 'src'));
  if (existsSync(join(RENDERER_DIR, 'public'))) walk(join(RENDERER_DIR, 'public'));
  walk(join(REPO_DIR, 'shared', 'src'));
  return files.filter((file) => existsSync(file)).sort();
}

/** A fingerprint of the inputs: their paths, sizes and modification times. */
export function consoleSourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    const info = statSync(file);
    hash.update(`${relative(REPO_DIR, file)}:${info.size}:${info.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export function isConsoleBuildFresh(): boolean {
  if (!existsSync(join(CONSOLE_DIST_DIR, 'index.html')) || !existsSync(STAMP_FILE)) return false;
  return readFileSync(STAMP_FILE, 'utf8').trim() === consoleSourceFingerprint();
}

function runViteBuild(): Promise<void> {
  const viteBin = join(REPO_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [
    viteBin,
    'build',
    '--config',
    join(RENDERER_DIR, 'vite.config.ts'),
    '--logLevel',
    'warn',
  ];
  return new Promise((resolve, reject) => {
    // A child process: its own NODE_ENV (a test runner's "test" would give React's dev build).
    const child = spawn(process.execPath, args, {
      cwd: REPO_DIR,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`vite build failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

/** Takes the build lock (one build at a time across processes); waits while another holds it. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ageMs = Date.now() - statSync(LOCK_DIR, { throwIfNoEntry: false })!.mtimeMs;
      if (ageMs > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`another console build still holds ${LOCK_DIR}; remove it if none runs`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the console (always, or only when stale); returns whether it built. */
export async function buildConsole(options: { ifStale?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && isConsoleBuildFresh()) return false;
  return withBuildLock(async () => {
    // Another process may have built it while this one waited for the lock.
    if (options.ifStale && isConsoleBuildFresh()) return false;
    const fingerprint = consoleSourceFingerprint();
    await runViteBuild();
    writeFileSync(STAMP_FILE, `${fingerprint}\n`);
    return true;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  buildConsole({ ifStale }).then(
    (built) => {
      if (!built) console.log('console: renderer/dist is up to date');
      else console.log(`console: built into ${relative(process.cwd(), CONSOLE_DIST_DIR)}`);
    },
    (error: unknown) => {
      console.error(`console: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
