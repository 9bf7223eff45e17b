// Bundles the desktop shell for Electron, which runs JavaScript: electron/src/main.ts and
// preload.ts (with the shared code and zod they import) into electron/dist/main.cjs and
// preload.cjs. `electron` itself stays a run-time require. With --if-stale it builds only when
// the sources changed since the last build, so the launcher can call it on every `npm start`.
//   tsx electron/build-desktop-shell.ts [--if-stale]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ELECTRON_DIR = fileURLToPath(new URL('.', import.meta.url));
const REPO_DIR = join(ELECTRON_DIR, '..');
export const DESKTOP_DIST_DIR = join(ELECTRON_DIR, 'dist');
/** The script Electron starts: `electron electron/dist/main.cjs`. */
export const DESKTOP_MAIN_SCRIPT = join(DESKTOP_DIST_DIR, 'main.cjs');
const STAMP_NAME = '.build-stamp';

/** Everything the bundles are made from: the shell's sources, shared code, the locked deps. */
function inputFiles(): string[] {
  const files = [join(REPO_DIR, 'package-lock.json'), fileURLToPath(import.meta.url)];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(join(ELECTRON_DIR, 'src'));
  walk(join(REPO_DIR, 'shared', 'src'));
  return files.filter((file) => existsSync(file)).sort();
}

export function desktopSourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    const info = statSync(file);
    hash.update(`${relative(REPO_DIR, file)}:${info.size}:${info.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export function isDesktopBuildFresh(outDir = DESKTOP_DIST_DIR): boolean {
  const stamp = join(outDir, STAMP_NAME);
  if (!existsSync(join(outDir, 'main.cjs')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === desktopSourceFingerprint();
}

/**
 * Builds the bundles (always, or only when stale); returns whether it built. `outDir` lets a
 * test build its own copy instead of replacing the one a running shell may be reading.
 */
export async function buildDesktopShell(
  options: { ifStale?: boolean; outDir?: string } = {},
): Promise<boolean> {
  const outDir = options.outDir ?? DESKTOP_DIST_DIR;
  if (options.ifStale && isDesktopBuildFresh(outDir)) return false;
  const fingerprint = desktopSourceFingerprint();
  await build({
    entryPoints: {
      main: join(ELECTRON_DIR, 'src', 'main.ts'),
      preload: join(ELECTRON_DIR, 'src', 'preload.ts'),
    },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 39 runs Node 22 in main and Chromium 142 in the preload's sandbox.
    target: ['node22', 'chrome142'],
    external: ['electron'],
    // zod comes along whole; minified, the preload parses quickly on every page load.
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(join(outDir, STAMP_NAME), `${fingerprint}\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildDesktopShell({ ifStale: process.argv.includes('--if-stale') }).then(
    (built) => {
      const where = relative(process.cwd(), DESKTOP_DIST_DIR);
      console.log(
        built ? `desktop shell: built into ${where}` : `desktop shell: ${where} is up to date`,
      );
    },
    (error: unknown) => {
      console.error(`desktop shell: ${(error as Error).message}`);
      process.exitCode = 1;
    },
  );
}
