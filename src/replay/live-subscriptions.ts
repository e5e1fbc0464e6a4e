// The page's live subscriptions, folded from the live session's frames: what injection
// addresses its `data` frames to (subscription ids are the page's own).

import { normalizeChannel } from '../protocol/channel.ts';
import { scanFrames, type SessionId, type SessionsDb, type StoredFrame } from '../sessions/index.ts';

export interface LiveSubscription {
  /** The page socket (the connection id of a WebSocket is its socketId). */
  readonly socketId: string;
  readonly socketUrl?: string;
  readonly id: string;
  /** Normalised; may be a `/*` pattern. */
  readonly channel: string;
}

/**
 * Folds frames in position order: a `subscribe` sent adds a subscription (it is live from
 * then on: data may arrive before the ack is seen), a `subscribe_error` or `unsubscribe`
 * removes it, a closed or failed socket removes all of its subscriptions.
 */
export class SubscriptionTracker {
  private readonly subs = new Map<string, Map<string, string>>();
  private readonly urls = new Map<string, string>();

  add(frame: StoredFrame): void {
    if (frame.dir === 'close' || frame.dir === 'error') {
      this.subs.delete(frame.conn);
      return;
    }
    if (frame.dir === 'connecting' && frame.extra?.url !== undefined) this.urls.set(frame.conn, frame.extra.url);
    if (frame.id === undefined) return;
    if (frame.dir === 'send' && frame.type === 'subscribe' && frame.channel !== undefined) {
      let conn = this.subs.get(frame.conn);
      if (!conn) this.subs.set(frame.conn, (conn = new Map()));
      conn.set(frame.id, normalizeChannel(frame.channel));
    } else if ((frame.dir === 'send' && frame.type === 'unsubscribe') || (frame.dir === 'receive' && frame.type === 'subscribe_error')) {
      this.subs.get(frame.conn)?.delete(frame.id);
    }
  }

  /** Tells the URL of a socket (from its connection record). */
  setUrl(socketId: string, url: string): void {
    this.urls.set(socketId, url);
  }

  list(): LiveSubscription[] {
    const out: LiveSubscription[] = [];
    for (const [socketId, conn] of this.subs) {
      const socketUrl = this.urls.get(socketId);
      for (const [id, channel] of conn) out.push({ socketId, id, channel, ...(socketUrl !== undefined ? { socketUrl } : {}) });
    }
    return out;
  }
}

/** The live subscriptions at the end of a session (a scan of its WebSocket frames). */
export async function liveSubscriptions(db: SessionsDb, sessionId: SessionId, signal?: AbortSignal): Promise<LiveSubscription[]> {
  const tracker = new SubscriptionTracker();
  const scan = scanFrames(db, sessionId, { directions: ['connecting', 'send', 'receive', 'close', 'error'] }, { batchSize: 500, ...(signal ? { signal } : {}) });
  for await (const batch of scan) {
    for (const f of batch.frames) {
      // Data frames are the bulk of a session and change nothing here.
      if (f.type !== 'data') tracker.add(f);
    }
  }
  for (const c of await db.getAll('connections', IDBKeyRange.bound([sessionId, ''], [sessionId, '\uffff']))) {
    if (c.kind === 'websocket') tracker.setUrl(c.connId, c.url);
  }
  return tracker.list();
}
