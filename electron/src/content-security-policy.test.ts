import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONSOLE_CONTENT_SECURITY_POLICY,
  withContentSecurityPolicy,
} from './content-security-policy';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );
}

describe('the console’s Content-Security-Policy header', () => {
  it('allows no more than the meta policy in renderer/index.html, directive by directive', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const header = directives(CONSOLE_CONTENT_SECURITY_POLICY);
    for (const [name, value] of directives(meta!)) expect(header.get(name)).toBe(value);
    // And it closes what a meta tag cannot: framing, plugins, <base>, form targets.
    expect(header.get('frame-ancestors')).toBe("'none'");
    expect(header.get('object-src')).toBe("'none'");
    expect(header.get('script-src')).toBe("'self'");
  });

  it('is added beside a policy the server sent, never replacing it', () => {
    expect(
      withContentSecurityPolicy({
        responseHeaders: { 'content-security-policy': ["default-src 'none'"], etag: ['"1"'] },
      }),
    ).toEqual({
      'content-security-policy': ["default-src 'none'", CONSOLE_CONTENT_SECURITY_POLICY],
      etag: ['"1"'],
    });
    expect(withContentSecurityPolicy({})).toEqual({
      'Content-Security-Policy': [CONSOLE_CONTENT_SECURITY_POLICY],
    });
  });
});
