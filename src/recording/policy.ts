// When a tab records, and what the user can set about it. Pure, so the rules are tested
// without a browser; the background applies them.

export interface CaptureSettings {
  /** Capture every WebSocket, not only AppSync Events ones (shown as generic text/JSON). */
  readonly captureAll: boolean;
  /**
   * Origins recorded even while DevTools is closed: `https://app.example.com`,
   * `http://localhost:3000`, or `https://*.example.com` for every subdomain.
   */
  readonly alwaysRecordOrigins: readonly string[];
}

/** storage.local key of the settings (read by the background, the relay and the panel). */
export const SETTINGS_KEY = 'captureSettings';

export const DEFAULT_SETTINGS: CaptureSettings = { captureAll: false, alwaysRecordOrigins: [] };

/** Reads stored settings, keeping only well-formed values (storage is shared with old versions). */
export function parseSettings(raw: unknown): CaptureSettings {
  const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const origins = Array.isArray(obj.alwaysRecordOrigins)
    ? obj.alwaysRecordOrigins.filter((o): o is string => typeof o === 'string' && normalizeOriginPattern(o) !== null)
    : [];
  return { captureAll: obj.captureAll === true, alwaysRecordOrigins: origins.map((o) => normalizeOriginPattern(o)!) };
}

/** `https://App.example.com/path` → `https://app.example.com`; null when not an http(s) origin pattern. */
export function normalizeOriginPattern(input: string): string | null {
  const m = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?\/?$/i.exec(input.trim());
  if (!m) return null;
  return `${m[1]!.toLowerCase()}://${m[2] ?? ''}${m[3]!.toLowerCase()}${m[4] ?? ''}`;
}

export function originMatches(pattern: string, pageUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    return false;
  }
  const m = /^(https?):\/\/(\*\.)?(.+?)(:\d+)?$/.exec(pattern);
  if (!m) return false;
  if (url.protocol !== `${m[1]}:`) return false;
  const port = m[4] ? m[4].slice(1) : '';
  if (url.port !== port) return false;
  const host = url.hostname.toLowerCase();
  return m[2] ? host === m[3] || host.endsWith(`.${m[3]}`) : host === m[3];
}

/** A tab records while a panel inspects it, or when its page's origin is always recorded. */
export function shouldRecord(panelOpen: boolean, pageUrl: string | null, settings: CaptureSettings): boolean {
  if (panelOpen) return true;
  return pageUrl !== null && settings.alwaysRecordOrigins.some((p) => originMatches(p, pageUrl));
}
