// The console's Content-Security-Policy, sent by main as a response header on everything the
// window loads. renderer/index.html carries the same policy in a meta tag, but a meta tag only
// covers what is parsed after it and only in documents that have it; the header covers every
// response, including the server's "console not built" page and any error page.
import type { HeadersReceivedDetails } from './electron-api';

export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React and Recharts set style attributes; no inline scripts are allowed anywhere.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The response headers with the policy added. A policy the server sent stays too: with two
 * policies a browser enforces both, so this can only narrow what the page may do.
 */
export function withContentSecurityPolicy(
  details: Pick<HeadersReceivedDetails, 'responseHeaders'>,
): Record<string, string[]> {
  const headers = { ...(details.responseHeaders ?? {}) };
  const name =
    Object.keys(headers).find((header) => header.toLowerCase() === 'content-security-policy') ??
    'Content-Security-Policy';
  headers[name] = [...(headers[name] ?? []), CONSOLE_CONTENT_SECURITY_POLICY];
  return headers;
}
