// "Copy as" texts for a stored frame. Pure. Headers are copied as stored: redacted
// (fingerprints) unless the session keeps secrets, so a copied command never carries a
// secret the user did not choose to keep.
import type { StoredFrame } from '../../../../src/sessions/index.ts';

export type CopyKind = 'json' | 'event' | 'curl' | 'fetch';

export interface CopyChoice {
  readonly kind: CopyKind;
  readonly label: string;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The decoded event(s): a data frame's event, or a publish's events, each parsed. */
export function decodedEvent(f: StoredFrame): string | undefined {
  const v = parse(f.text) as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object') return undefined;
  const one = (e: unknown): unknown => (typeof e === 'string' ? (parse(e) ?? e) : e);
  if ('event' in v) return JSON.stringify(one(v['event']), null, 2);
  if (Array.isArray(v['events'])) {
    const events = v['events'].map(one);
    return JSON.stringify(events.length === 1 ? events[0] : events, null, 2);
  }
  return undefined;
}

/** A frame as JSON: the message itself when it is JSON, else a description of the frame. */
export function frameJson(f: StoredFrame): string {
  const v = parse(f.text);
  if (v !== undefined) return JSON.stringify(v, null, 2);
  return JSON.stringify({ pos: f.pos, t: f.t, conn: f.conn, dir: f.dir, type: f.type, id: f.id, channel: f.channel, size: f.size, text: f.text, binary: f.binary, extra: f.extra }, null, 2);
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function requestHeaders(f: StoredFrame): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.extra?.headers ?? {})) if (k.toLowerCase() !== 'host' && k.toLowerCase() !== 'content-length') out[k] = v;
  if (!Object.keys(out).some((k) => k.toLowerCase() === 'content-type')) out['content-type'] = 'application/json';
  return out;
}

export function curlOf(f: StoredFrame): string | undefined {
  if (f.dir !== 'http-request' || !f.extra?.url) return undefined;
  const lines = [`curl -X ${f.extra.method ?? 'POST'} ${shellQuote(f.extra.url)}`];
  for (const [k, v] of Object.entries(requestHeaders(f))) lines.push(`  -H ${shellQuote(`${k}: ${v}`)}`);
  lines.push(`  --data-raw ${shellQuote(f.text ?? '')}`);
  return lines.join(' \\\n');
}

export function fetchOf(f: StoredFrame): string | undefined {
  if (f.dir !== 'http-request' || !f.extra?.url) return undefined;
  const init = { method: f.extra.method ?? 'POST', headers: requestHeaders(f), body: f.text ?? '' };
  return `await fetch(${JSON.stringify(f.extra.url)}, ${JSON.stringify(init, null, 2)});`;
}

export function copyChoices(f: StoredFrame, keepSecrets: boolean): CopyChoice[] {
  const out: CopyChoice[] = [{ kind: 'json', label: 'JSON' }];
  if (decodedEvent(f) !== undefined) out.push({ kind: 'event', label: 'Decoded event' });
  if (f.dir === 'http-request' && f.extra?.url) {
    const note = keepSecrets ? '' : ' (redacted)';
    out.push({ kind: 'curl', label: `cURL${note}` }, { kind: 'fetch', label: `fetch${note}` });
  }
  return out;
}

export function copyText(f: StoredFrame, kind: CopyKind): string {
  switch (kind) {
    case 'json':
      return frameJson(f);
    case 'event':
      return decodedEvent(f) ?? '';
    case 'curl':
      return curlOf(f) ?? '';
    case 'fetch':
      return fetchOf(f) ?? '';
  }
}
