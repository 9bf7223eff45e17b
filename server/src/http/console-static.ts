import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isConsoleRoute } from '../../../shared/src/console-routes';

/** Where `npm run build:console` puts the console (renderer/vite.config.ts). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(
  new URL('../../../renderer/dist', import.meta.url),
);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every file under assets/ by its content hash: it never changes under that name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: revalidate it every time. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Runway</title>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; line-height: 1.5">
<h1>Runway</h1>
<p>The Runway server is running, but the console has not been built yet. Build it from the
repository folder, then reload this page:</p>
<pre style="background: #f3f4f6; padding: .75rem 1rem; border-radius: 6px">npm run build:console</pre>
<p>(<code>npm start</code> builds it for you.) The API lives at <code>/trpc</code> (bearer token
required); health at <code>/healthz</code> and <code>/readyz</code>; metrics at <code>/metrics</code>.
From a terminal: <code>npx runway list</code>, <code>npx runway show KEY</code>, <code>npx runway plan</code>.</p>
</body>`;

export interface ConsoleStatic {
  /** Serves the request if it is the console's; false when the path is not the console's. */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
}

/**
 * The built console (DESIGN §6 `/`): files of `dir` by their path, and index.html for the
 * console's own client-side routes. Only GET and HEAD; nothing outside `dir`, no dotfiles.
 * The folder is looked at on each request, so building after the server started just works.
 */
export function createConsoleStatic(dir: string = DEFAULT_CONSOLE_DIR): ConsoleStatic {
  const root = resolve(dir);
  return {
    handle(req, res, pathname) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (isConsoleRoute(pathname)) {
        void serveIndex(root, req, res);
        return true;
      }
      const file = assetPath(root, pathname);
      if (file === null) return false;
      void serveFile(req, res, file, pathname.startsWith('/assets/') ? IMMUTABLE : REVALIDATE).then(
        (served) => {
          if (!served) sendNotFound(res, req, pathname);
        },
      );
      return true;
    },
  };
}

/**
 * The file a path names inside `root`, or null when it names none there: undecodable, a dotfile
 * or folder, a `..` or a backslash, or an extension the console does not ship.
 */
export function assetPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (
    segments.length === 0 ||
    segments.some((segment) => segment === '' || segment.startsWith('.'))
  )
    return null;
  if (!Object.hasOwn(CONTENT_TYPES, extname(decoded).toLowerCase())) return null;
  const file = resolve(root, ...segments);
  return file.startsWith(root + sep) ? file : null;
}

async function serveIndex(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (await serveFile(req, res, resolve(root, 'index.html'), REVALIDATE)) return;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
}

/** Serves one file with its content type, an ETag and a 304 for a matching If-None-Match. */
async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  cacheControl: string,
): Promise<boolean> {
  let body: Buffer;
  let etag: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
    body = await readFile(file);
  } catch {
    return false;
  }
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (file.endsWith('.html')) headers['referrer-policy'] = 'no-referrer';
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

function sendNotFound(res: ServerResponse, req: IncomingMessage, pathname: string): void {
  res.writeHead(404, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(
    JSON.stringify({
      error: { code: 'NOT_FOUND', message: `no route ${req.method ?? 'GET'} ${pathname}` },
    }),
  );
}
