// One subscription of the console's client: its own event list and counters. The client
// drives it from the frames it receives; listeners see each event as it arrives.

import { parseJson } from '../protocol/index.ts';
import type { ServiceError } from './types.ts';

export type SubscriptionStatus = 'subscribing' | 'active' | 'failed' | 'unsubscribed';

export interface ReceivedEvent {
  /** Wall-clock ms when the data frame arrived. */
  readonly at: number;
  /** The event as the service sent it (JSON text). */
  readonly text: string;
  /** The parsed value, when the text is JSON. */
  readonly value?: unknown;
}

export interface Subscription {
  readonly id: string;
  /** As the user wrote it (wildcards included). */
  readonly channel: string;
  readonly status: SubscriptionStatus;
  /** subscribe_error, error and broadcast_error entries, oldest first. */
  readonly errors: readonly ServiceError[];
  /** The newest events, oldest first (bounded: see `received` for the total). */
  readonly events: readonly ReceivedEvent[];
  readonly received: number;
  readonly bytes: number;
  /** How often it was sent again after a reconnect. */
  readonly resubscribed: number;
  /** Settles with the first subscribe verdict. */
  readonly ready: Promise<void>;
  onEvent(listener: (e: ReceivedEvent) => void): () => void;
  unsubscribe(): Promise<void>;
}

/** The client's side of a subscription: mutable, never handed out as such. */
export class SubscriptionState implements Subscription {
  status: SubscriptionStatus = 'subscribing';
  errors: ServiceError[] = [];
  events: ReceivedEvent[] = [];
  received = 0;
  bytes = 0;
  resubscribed = 0;
  readonly ready: Promise<void>;
  private settle?: { resolve: () => void; reject: (e: Error) => void };
  private readonly listeners = new Set<(e: ReceivedEvent) => void>();

  constructor(
    readonly id: string,
    readonly channel: string,
    private readonly limit: number,
    private readonly doUnsubscribe: (s: SubscriptionState) => Promise<void>,
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // A failed subscription is reported through its status; nobody has to await `ready`.
    this.ready.catch(() => undefined);
  }

  succeeded(): void {
    this.status = 'active';
    this.settle?.resolve();
    this.settle = undefined;
  }

  failed(errors: readonly ServiceError[]): void {
    this.status = 'failed';
    this.errors.push(...errors);
    const e = errors[0];
    this.settle?.reject(new Error(`${e?.errorType ?? 'Error'}: ${e?.message ?? 'subscribe failed'}`));
    this.settle = undefined;
  }

  deliver(text: string, at: number): void {
    const parsed = parseJson(text);
    const event: ReceivedEvent = parsed.ok ? { at, text, value: parsed.value } : { at, text };
    this.received++;
    this.bytes += text.length;
    this.events.push(event);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    for (const l of this.listeners) l(event);
  }

  onEvent(listener: (e: ReceivedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  unsubscribe(): Promise<void> {
    return this.doUnsubscribe(this);
  }
}
