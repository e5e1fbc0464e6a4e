// One WebSocket connection speaking the AppSync Events realtime protocol (reference 2, 3).
// Frames are handled strictly in arrival order through a promise queue, because several
// checks (IAM, Lambda, JWT) are asynchronous and replies must not overtake each other.

import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { OPERATION_ID_PATTERN } from '../protocol/limits.ts';
import { isRecord, parseJson } from '../protocol/json.ts';
import { virtualSignedRequest } from './auth/index.ts';
import type { Authorizer } from './auth/index.ts';
import type { Broker } from './broker.ts';
import type { ResolvedConfig } from './config.ts';
import type { AckType, Faults } from './faults.ts';
import type { TrafficLog } from './log.ts';
import { publish, subscribe, unsubscribe } from './operations.ts';
import { UNAUTHORIZED } from './publish.ts';
import type { ProtocolError } from './publish.ts';

export interface RealtimeContext {
  readonly config: ResolvedConfig;
  readonly authorizer: Authorizer;
  readonly broker: Broker;
  readonly log: TrafficLog;
  readonly faults: Faults;
  readonly connections: Map<string, RealtimeConnection>;
}

/** Close code after connection_error and at the lifetime limit: AWS sends 1000 even on failure (reference 2.5). */
export const FAILURE_CLOSE_CODE = 1000;

type State = 'authorizing' | 'ready' | 'closed';

export class RealtimeConnection {
  private state: State = 'authorizing';
  private queue: Promise<void>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private keepAlive: NodeJS.Timeout | undefined;
  private publishWindowStart = 0;
  private publishesInWindow = 0;
  private corked = false;

  constructor(
    private readonly ctx: RealtimeContext,
    readonly id: string,
    private readonly ws: WebSocket,
    /** The upgraded TCP/TLS socket, corked per tick so a fan-out becomes one write. */
    private readonly socket: Duplex,
    readonly secure: boolean,
    /** Connection auth from the `header-` subprotocol or the upgrade request headers. */
    private readonly connectAuth: Record<string, unknown>,
  ) {
    ctx.connections.set(id, this);
    ctx.log.add({ kind: 'connection', connId: id, event: 'open', secure });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.closed(code, reason.toString()));
    ws.on('error', () => {
      /* a close follows; nothing else to do */
    });
    this.later(ctx.config.limits.connectionLifetimeMs, () => this.close(FAILURE_CLOSE_CODE, 'Connection lifetime exceeded'));
    this.queue = this.authorizeConnection();
  }

  // ---- plumbing -------------------------------------------------------------------------

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Writes one frame (text, or Buffer for a binary frame) and logs it. */
  sendRaw(data: string | Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (!this.corked) {
      // Frames written in one tick (a batch fan-out, an ack plus ka) leave in one writev
      // instead of one syscall each: half the CPU of a fan-out went to separate writes.
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.ws.send(data);
    this.ctx.log.frame(this.id, 'out', data);
  }

  send(frame: Record<string, unknown>): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendAck(type: AckType, frame: Record<string, unknown>, after?: () => void): void {
    const plan = this.ctx.faults.ackPlan(type);
    if (plan.drop) return;
    const go = (): void => {
      this.send(frame);
      after?.();
    };
    if (plan.delayMs > 0) this.later(plan.delayMs, go);
    else go();
  }

  private error(errors: ProtocolError[], id?: string): void {
    this.send({ type: 'error', ...(id !== undefined ? { id } : {}), errors });
  }

  close(code: number, reason = ''): void {
    if (this.state === 'closed') return;
    this.ws.close(code, reason);
  }

  /** Abrupt loss: no close frame, the client sees 1006. */
  terminate(): void {
    this.ws.terminate();
  }

  private closed(code: number, reason: string): void {
    this.state = 'closed';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.ctx.broker.removeConnection(this.id);
    this.ctx.connections.delete(this.id);
    this.ctx.log.add({ kind: 'connection', connId: this.id, event: 'close', code, reason });
  }

  /** Counts one WS publish; true when it is over the per-connection rate (fixed 1 s window). */
  rateLimited(): boolean {
    const limit = this.ctx.config.limits.maxPublishesPerSecond;
    if (limit <= 0) return false;
    const now = Date.now();
    if (now - this.publishWindowStart >= 1000) {
      this.publishWindowStart = now;
      this.publishesInWindow = 0;
    }
    return ++this.publishesInWindow > limit;
  }

  // ---- connection auth and keep-alive -----------------------------------------------------

  private async authorizeConnection(): Promise<void> {
    const decision = await this.ctx.authorizer.authorize({
      operation: 'connect',
      modes: this.ctx.config.connectionAuthModes,
      headers: this.connectAuth,
      signedRequest: () => virtualSignedRequest(this.connectAuth, '{}'),
    });
    this.ctx.log.add({ kind: 'auth', connId: this.id, operation: 'connect', ...decision });
    if (this.state === 'closed') return;
    if (!decision.ok) {
      // Sent unprompted right after the upgrade, without waiting for connection_init: the
      // live failure shows the socket opening and then this frame (reference 2.3), and
      // Swift never sends connection_init. errorCode is included as the live e2e expects.
      this.send({ type: 'connection_error', errors: [{ ...UNAUTHORIZED, errorCode: 401 }] });
      this.close(FAILURE_CLOSE_CODE, 'Unauthorized');
      this.state = 'closed';
      return;
    }
    this.state = 'ready';
  }

  /**
   * The ka clock starts with the first connection_ack, as the reference describes it
   * (connection_ack, then a ka every 60 s, reference 2.4), not at the upgrade. A client that
   * never sends connection_init (Swift) gets it from its first operation instead, so it
   * still sees keep-alives. keepAliveMs 0 turns keep-alive off.
   */
  private startKeepAlive(): void {
    if (this.keepAlive || this.state !== 'ready' || this.ctx.config.keepAliveMs === 0) return;
    this.keepAlive = setInterval(() => this.sendKeepAlive(), this.ctx.config.keepAliveMs);
  }

  private sendKeepAlive(): void {
    if (this.ctx.config.keepAliveMs === 0) return;
    if (!this.ctx.faults.keepAliveStopped) this.send({ type: 'ka' });
  }

  // ---- inbound frames -------------------------------------------------------------------

  private receive(data: Buffer, isBinary: boolean): void {
    const text = isBinary ? undefined : data.toString('utf8');
    this.ctx.log.frame(this.id, 'in', text ?? data);
    this.queue = this.queue.then(() => this.handle(data, text)).catch((err: unknown) => {
      this.error([{ errorType: 'InternalFailure', message: `Emulator error: ${(err as Error).message}` }]);
    });
  }

  private async handle(data: Buffer, text: string | undefined): Promise<void> {
    if (this.state !== 'ready') return;
    if (text === undefined) {
      this.error([{ errorType: 'InvalidInputError', message: 'Binary frames are not supported' }]);
      return;
    }
    const max = this.ctx.config.limits.maxMessageBytes;
    if (data.length > max) {
      this.error([{ errorType: 'InvalidInputError', message: `Message of ${data.length} bytes exceeds the ${max} byte limit` }]);
      return;
    }
    const parsed = parseJson(text);
    if (!parsed.ok || !isRecord(parsed.value) || typeof parsed.value['type'] !== 'string') {
      this.error([{ errorType: 'InvalidInputError', message: 'Message must be a JSON object with a string "type"' }]);
      return;
    }
    const msg = parsed.value;
    const rawId = msg['id'];
    const id = typeof rawId === 'string' ? rawId : undefined;
    switch (msg['type']) {
      case 'connection_init':
        // Every connection_init gets an ack, repeats included (UNKNOWN upstream); the first
        // ka follows right away, like AppSync GraphQL realtime, so clients see the keep-alive
        // stream start without waiting a full interval.
        this.sendAck(
          'connection_ack',
          { type: 'connection_ack', connectionTimeoutMs: this.ctx.config.connectionTimeoutMs },
          () => {
            this.sendKeepAlive();
            this.startKeepAlive();
          },
        );
        return;
      case 'subscribe':
      case 'unsubscribe':
      case 'publish':
        if (id === undefined || !OPERATION_ID_PATTERN.test(id)) {
          // Echo a string id even when it is malformed so the client can still correlate.
          this.error([{ errorType: 'InvalidInputError', message: 'id must match ^[a-zA-Z0-9-_+]{1,128}$' }], id);
          return;
        }
        this.startKeepAlive();
        if (msg['type'] === 'subscribe') return subscribe(this.ctx, this, id, msg);
        if (msg['type'] === 'unsubscribe') return unsubscribe(this.ctx, this, id);
        return publish(this.ctx, this, id, msg);
      default:
        // Text seen in client fixtures for unknown operations (reference 3.3, S25).
        this.error([{ errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' }], id);
    }
  }

}
