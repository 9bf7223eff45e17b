import { describe, expect, it } from 'vitest';
import { findChromium } from './chromium';

describe('finding Chromium for the browser tests', () => {
  it('prefers CHROMIUM_PATH, then Debian’s /usr/bin/chromium', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/chromium/chrome' }, () => true)).toBe(
      '/opt/chromium/chrome',
    );
    expect(findChromium({}, (path) => path === '/usr/bin/chromium')).toBe('/usr/bin/chromium');
  });

  it('fails, saying how to install one, when there is none: never a silent pass', () => {
    expect(() => findChromium({}, () => false)).toThrow('apt-get install -y chromium');
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chromium' }, () => false)).toThrow(
      'CHROMIUM_PATH is /nowhere/chromium, but there is no file there',
    );
  });
});
