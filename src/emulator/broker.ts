// Subscriptions of every connection and the fan-out of published events. Subscriptions are
// grouped by namespace so a publish only scans the subscriptions that could match it.

import { channelMatches } from '../protocol/channel.ts';

export interface Subscription {
  readonly connId: string;
  readonly subId: string;
  /** Normalised pattern as parsed (`/default/a` or `/default/*`). */
  readonly channel: string;
  readonly namespace: string;
  /** Writes one frame to the subscriber's socket. */
  readonly send: (text: string) => void;
}

export class Broker {
  private readonly byNamespace = new Map<string, Map<string, Subscription>>();
  private readonly byConnection = new Map<string, Map<string, Subscription>>();

  private static key(connId: string, subId: string): string {
    return `${connId}\u0000${subId}`;
  }

  add(sub: Subscription): void {
    let ns = this.byNamespace.get(sub.namespace);
    if (!ns) this.byNamespace.set(sub.namespace, (ns = new Map()));
    ns.set(Broker.key(sub.connId, sub.subId), sub);
    let conn = this.byConnection.get(sub.connId);
    if (!conn) this.byConnection.set(sub.connId, (conn = new Map()));
    conn.set(sub.subId, sub);
  }

  get(connId: string, subId: string): Subscription | undefined {
    return this.byConnection.get(connId)?.get(subId);
  }

  count(connId: string): number {
    return this.byConnection.get(connId)?.size ?? 0;
  }

  /** Every subscription with this id (ids are unique per connection, not globally). */
  findById(subId: string, connId?: string): Subscription[] {
    const out: Subscription[] = [];
    for (const [c, subs] of this.byConnection) {
      if (connId !== undefined && c !== connId) continue;
      const s = subs.get(subId);
      if (s) out.push(s);
    }
    return out;
  }

  remove(connId: string, subId: string): boolean {
    const sub = this.byConnection.get(connId)?.get(subId);
    if (!sub) return false;
    this.byConnection.get(connId)?.delete(subId);
    this.byNamespace.get(sub.namespace)?.delete(Broker.key(connId, subId));
    return true;
  }

  removeConnection(connId: string): void {
    const subs = this.byConnection.get(connId);
    if (!subs) return;
    for (const sub of subs.values()) this.byNamespace.get(sub.namespace)?.delete(Broker.key(connId, sub.subId));
    this.byConnection.delete(connId);
  }

  /**
   * One `data` frame per event per matching subscription (reference 3.3: a batch of N
   * events gives N frames; the publisher gets its own events if it is subscribed).
   * Returns the number of frames written.
   */
  deliver(channel: string, namespace: string, events: readonly string[]): number {
    const subs = this.byNamespace.get(namespace);
    if (!subs || events.length === 0) return 0;
    let sent = 0;
    for (const sub of subs.values()) {
      if (!channelMatches(sub.channel, channel)) continue;
      for (const event of events) {
        sub.send(JSON.stringify({ id: sub.subId, type: 'data', event }));
        sent++;
      }
    }
    return sent;
  }
}
