// Fault injection for tests and demos: misbehave on purpose in the ways real networks and
// services do (slow or missing acks, silent keep-alive, rejected publishes).

import { duration } from './config.ts';

export type AckType = 'connection_ack' | 'subscribe_success' | 'unsubscribe_success' | 'publish_success';

export interface RejectOptions {
  readonly errorType?: string;
  readonly message?: string;
}

export class Faults {
  private readonly ackDelay = new Map<AckType, number>();
  private readonly ackDrops = new Map<AckType, number>();
  private rejects = 0;
  private rejectError: Required<RejectOptions> = { errorType: 'BadRequestException', message: '' };
  /** Read by every connection's keep-alive tick. */
  keepAliveStopped = false;

  /** Delay acks of these types by `ms` (0 clears). Default: connection_ack only. */
  delayAcks(ms: number, types: readonly AckType[] = ['connection_ack']): void {
    duration('delayAcks(ms)', ms, 'no delay');
    for (const t of types) {
      if (ms > 0) this.ackDelay.set(t, ms);
      else this.ackDelay.delete(t);
    }
  }

  /** Swallow the next `n` acks of these types. Default: connection_ack only. */
  dropAcks(n: number, types: readonly AckType[] = ['connection_ack']): void {
    for (const t of types) this.ackDrops.set(t, n);
  }

  stopKeepAlive(): void {
    this.keepAliveStopped = true;
  }

  resumeKeepAlive(): void {
    this.keepAliveStopped = false;
  }

  /**
   * Reject the next `n` publishes (WebSocket and HTTP) after authorization, the way an
   * onPublish handler's util.error does: publish_error over WS, 403 over HTTP (reference 7).
   */
  rejectPublishes(n: number, opts: RejectOptions = {}): void {
    this.rejects = n;
    this.rejectError = {
      errorType: opts.errorType ?? 'BadRequestException',
      message: opts.message ?? 'Publish rejected by the emulator (fault injection)',
    };
  }

  /** Undefined, or the error to answer this publish with (consumes one rejection). */
  takePublishRejection(): Required<RejectOptions> | undefined {
    if (this.rejects <= 0) return undefined;
    this.rejects--;
    return this.rejectError;
  }

  /** What to do with an ack about to be sent: drop it, or send it after `delayMs`. */
  ackPlan(type: AckType): { readonly drop: boolean; readonly delayMs: number } {
    const drops = this.ackDrops.get(type) ?? 0;
    if (drops > 0) {
      this.ackDrops.set(type, drops - 1);
      return { drop: true, delayMs: 0 };
    }
    return { drop: false, delayMs: this.ackDelay.get(type) ?? 0 };
  }

  reset(): void {
    this.ackDelay.clear();
    this.ackDrops.clear();
    this.rejects = 0;
    this.keepAliveStopped = false;
  }
}
