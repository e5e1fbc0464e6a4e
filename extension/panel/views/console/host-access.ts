// Host access for custom domains. AppSync's default domains and loopback are in the
// manifest; any other host may have been withheld by the user (site access settings), so
// the console checks and, on a click, asks for that one origin at run time.
import browser from 'webextension-polyfill';

const DEFAULT = /(^|\.)amazonaws\.com(\.cn)?$|^(127\.0\.0\.1|localhost|\[::1\])$/;

export function originPatterns(httpUrl: string, realtimeUrl: string): string[] {
  const out = new Set<string>();
  for (const u of [httpUrl, realtimeUrl]) {
    try {
      const url = new URL(u);
      if (DEFAULT.test(url.hostname)) continue;
      out.add(`${url.protocol.replace('ws', 'http')}//${url.hostname}/*`);
    } catch {
      // An unusable URL is reported by the profile check.
    }
  }
  return [...out];
}

export async function hasAccess(origins: readonly string[]): Promise<boolean> {
  if (origins.length === 0) return true;
  try {
    return await browser.permissions.contains({ origins: [...origins] });
  } catch {
    return true;
  }
}

/** Must run inside the click handler: both browsers require a user gesture. */
export function requestAccess(origins: readonly string[]): Promise<boolean> {
  return browser.permissions.request({ origins: [...origins] }).catch(() => false);
}
