// Bundled by `npm start -- --headless` and evaluated in an extension page (the origin of the
// background's IndexedDB): what the extension stored for one page, read through the
// sessions store's public API. Browser-side only.
import { listSessions, openSessionsDb, scanFrames, sessionCounts, type SessionId } from '../../src/sessions/index.ts';

export interface CaptureSummary {
  readonly sessionName: string;
  readonly sessionId: string;
  readonly frames: number;
  readonly types: Record<string, number>;
  readonly directions: Record<string, number>;
  readonly connections: { readonly websocket: number; readonly http: number };
  /** One `data` frame: its subscription's channel and the event it carried, decoded. */
  readonly event?: { readonly channel?: string; readonly value: unknown };
  /** Error frames and failed HTTP publishes, as `type: errorType message`. */
  readonly errors: readonly string[];
}

const TICKER = '/default/ticker';
const ERROR_TYPES = new Set(['connection_error', 'subscribe_error', 'publish_error', 'broadcast_error', 'unsubscribe_error', 'error']);

function errorText(text: string | undefined): string {
  try {
    const v = JSON.parse(text ?? '') as { errors?: Array<{ errorType?: string; message?: string }> };
    const e = v.errors?.[0];
    return e ? `${e.errorType ?? '?'}: ${e.message ?? ''}` : '';
  } catch {
    return '';
  }
}

/** The newest live session recorded for a page whose URL starts with `pageUrl`. */
async function summary(pageUrl: string): Promise<CaptureSummary | null> {
  const db = await openSessionsDb();
  try {
    const sessions = (await listSessions(db)).filter((s) => s.pageUrl.startsWith(pageUrl) && s.source === 'live');
    const s = sessions.sort((a, b) => b.startedAt - a.startedAt)[0];
    if (!s) return null;
    const counts = await sessionCounts(db, s.id as SessionId);
    let event: CaptureSummary['event'];
    const errors: string[] = [];
    for await (const batch of scanFrames(db, s.id as SessionId, {}, { batchSize: 500 })) {
      for (const f of batch.frames) {
        // The demo's server-side ticker is the least telling event: prefer one a client sent.
        if ((!event || event.channel === TICKER) && f.type === 'data' && f.text) {
          const raw = (JSON.parse(f.text) as { event?: unknown }).event;
          let value: unknown = raw;
          if (typeof raw === 'string') {
            try {
              value = JSON.parse(raw);
            } catch {
              /* shown as sent */
            }
          }
          event = { channel: f.channel, value };
        }
        if (f.type && ERROR_TYPES.has(f.type)) errors.push(`${f.type} ${errorText(f.text)}`.trim());
        if (f.dir === 'http-response' && (f.extra?.status ?? 200) >= 400) errors.push(`HTTP ${f.extra?.status} ${errorText(f.text)}`.trim());
      }
    }
    return {
      sessionName: s.name,
      sessionId: s.id,
      frames: s.frameCount,
      types: { ...counts.types },
      directions: { ...counts.directions },
      connections: { websocket: s.connections.websocket, http: s.connections.http },
      ...(event ? { event } : {}),
      errors,
    };
  } finally {
    db.close();
  }
}

(globalThis as unknown as { __captureSummary: unknown }).__captureSummary = summary;
