// Plain-text descriptions of stored sessions (frames are described by the inspector's row
// formatter). Everything returned is rendered as
// text nodes: names, URLs and payloads come from pages and files and are never markup.
import { formatBytes, type ConnectionSummary, type SessionRecord } from '../../../../src/sessions/index.ts';

// The one byte-size formatter, shared with the live view and the storage notices.
export { formatBytes };

export function formatDay(t: number): string {
  return new Date(t).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function formatClock(t: number): string {
  return new Date(t).toLocaleTimeString(undefined, { timeStyle: 'short' });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function framesText(n: number): string {
  return plural(n, 'frame');
}

/** "2 WebSockets · 1 HTTP endpoint · 3 lost" — only the parts that are not zero. */
export function connectionSummary(c: ConnectionSummary): string {
  const parts: string[] = [];
  if (c.websocket > 0) parts.push(plural(c.websocket, 'WebSocket'));
  if (c.http > 0) parts.push(plural(c.http, 'HTTP endpoint'));
  if (c.errors > 0) parts.push(plural(c.errors, 'error'));
  if (c.lost > 0) parts.push(`${c.lost.toLocaleString()} lost`);
  return parts.length > 0 ? parts.join(' · ') : 'no connections';
}

export const SOURCE_LABEL: Readonly<Record<SessionRecord['source'], string>> = {
  live: 'Live',
  imported: 'Imported',
  replay: 'Replay',
  console: 'Console',
};
