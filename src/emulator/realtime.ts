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
import { checkChannel, checkEventsShape, judgeEvents } from './publish.ts';
import type { ProtocolError } from './publish.ts';

export interface RealtimeContext {
  readonly config: ResolvedConfig;
  readonly authorizer: Authorizer;
  readonly broker: Broker;
  readonly log: TrafficLog;
  readonly faults: Faults;
  readonly connections: Map<string, RealtimeConnection>;
}

export const UNAUTHORIZED: ProtocolError = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

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

  private sendAck(type: AckType, frame: Record<string, unknown>, after?: () => void): void {
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
    // The ka clock starts at the upgrade, not at connection_init, so clients that never send
    // connection_init (Swift) still get keep-alives.
    this.keepAlive = setInterval(() => this.sendKeepAlive(), this.ctx.config.keepAliveMs);
  }

  private sendKeepAlive(): void {
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
          () => this.sendKeepAlive(),
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
        if (msg['type'] === 'subscribe') return this.subscribe(id, msg);
        if (msg['type'] === 'unsubscribe') return this.unsubscribe(id);
        return this.publish(id, msg);
      default:
        // Text seen in client fixtures for unknown operations (reference 3.3, S25).
        this.error([{ errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' }], id);
    }
  }

  private operationAuth(msg: Record<string, unknown>): Record<string, unknown> {
    // A missing authorization is checked as empty, i.e. denied: the docs require one per
    // operation, and falling back to the connection auth would hide client bugs.
    const auth = msg['authorization'];
    return isRecord(auth) ? auth : {};
  }

  private async subscribe(id: string, msg: Record<string, unknown>): Promise<void> {
    const fail = (e: ProtocolError): void => this.send({ type: 'subscribe_error', id, errors: [e] });
    const ch = checkChannel(this.ctx.config, msg['channel'], true);
    if (!ch.ok) return fail(ch.error);
    const headers = this.operationAuth(msg);
    const decision = await this.ctx.authorizer.authorize({
      operation: 'subscribe',
      modes: ch.namespace.subscribeAuthModes,
      headers,
      channel: ch.channel,
      namespace: ch.namespace.name,
      signedRequest: () => virtualSignedRequest(headers, JSON.stringify({ channel: msg['channel'] })),
    });
    this.ctx.log.add({ kind: 'auth', connId: this.id, operation: 'subscribe', ...decision });
    if (!decision.ok) return fail(UNAUTHORIZED);
    if (this.ctx.broker.get(this.id, id)) {
      // The docs only say the subscription is reported as duplicated; the errorType is
      // UNKNOWN, so we use the AppSync GraphQL realtime analogue (reference 3.1).
      return fail({ errorType: 'DuplicatedOperationError', message: `Duplicated subscription id ${id}` });
    }
    const max = this.ctx.config.limits.maxSubscriptionsPerConnection;
    if (this.ctx.broker.count(this.id) >= max) {
      return fail({ errorType: 'MaxSubscriptionsReachedError', message: `Maximum number of subscriptions (${max}) reached` });
    }
    this.ctx.broker.add({
      connId: this.id,
      subId: id,
      channel: ch.channel,
      namespace: ch.namespace.name,
      send: (text) => this.sendRaw(text),
    });
    this.sendAck('subscribe_success', { id, type: 'subscribe_success' });
  }

  private unsubscribe(id: string): void {
    if (!this.ctx.broker.remove(this.id, id)) {
      this.send({
        type: 'unsubscribe_error',
        id,
        errors: [{ errorType: 'UnknownOperationError', message: `Unknown operation id ${id}` }],
      });
      return;
    }
    this.sendAck('unsubscribe_success', { type: 'unsubscribe_success', id });
  }

  private rateLimited(): boolean {
    const limit = this.ctx.config.limits.maxPublishesPerSecond;
    if (limit <= 0) return false;
    const now = Date.now();
    if (now - this.publishWindowStart >= 1000) {
      this.publishWindowStart = now;
      this.publishesInWindow = 0;
    }
    return ++this.publishesInWindow > limit;
  }

  private async publish(id: string, msg: Record<string, unknown>): Promise<void> {
    const fail = (e: ProtocolError): void => this.send({ id, type: 'publish_error', errors: [e] });
    if (this.rateLimited()) return fail({ errorType: 'LimitExceededError', message: 'Rate limit exceeded' });
    const ch = checkChannel(this.ctx.config, msg['channel'], false);
    if (!ch.ok) return fail(ch.error);
    // Over the socket, malformed or oversized batches are InvalidInputError (Android's
    // description, reference 6); the exact frame is UNKNOWN.
    const shape = checkEventsShape(this.ctx.config, msg['events']);
    if (!shape.ok) return fail({ errorType: 'InvalidInputError', message: shape.message });
    const headers = this.operationAuth(msg);
    const decision = await this.ctx.authorizer.authorize({
      operation: 'publish',
      modes: ch.namespace.publishAuthModes,
      headers,
      channel: ch.channel,
      namespace: ch.namespace.name,
      // The signed body is rebuilt from the parsed frame with JSON.stringify; the service
      // re-serialises too (reference 2.2, issue #400), but our escaping keeps `<`/`>` intact.
      signedRequest: () =>
        virtualSignedRequest(headers, JSON.stringify({ channel: msg['channel'], events: msg['events'] })),
    });
    this.ctx.log.add({ kind: 'auth', connId: this.id, operation: 'publish', ...decision });
    if (!decision.ok) return fail(UNAUTHORIZED);
    const rejection = this.ctx.faults.takePublishRejection();
    if (rejection) return fail(rejection);
    const verdict = judgeEvents(this.ctx.config, shape.events);
    // publish_success goes out before the data frames, the order Amplify observed (reference 9.5).
    this.sendAck('publish_success', {
      id,
      type: 'publish_success',
      successful: verdict.successful,
      failed: verdict.failed,
    });
    this.ctx.broker.deliver(ch.channel, ch.namespace.name, verdict.accepted);
  }
}
