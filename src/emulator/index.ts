// Local AppSync Events emulator (Node only): startEmulator() and its programmatic handle,
// used by the demo, the tests and the benchmarks. See README.md in this folder.

import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { findAuthSubprotocol } from '../protocol/auth.ts';
import { APPSYNC_EVENTS_SUBPROTOCOL, offeredSubprotocols } from '../protocol/auth-header.ts';
import { Authorizer } from './auth/index.ts';
import { Broker } from './broker.ts';
import { resolveConfig } from './config.ts';
import type { EmulatorConfig, ResolvedConfig } from './config.ts';
import { Faults } from './faults.ts';
import { handleEventRequest } from './http-publish.ts';
import { TrafficLog } from './log.ts';
import type { LogEntry } from './log.ts';
import { checkChannel, checkEventsShape, judgeEvents } from './publish.ts';
import type { PublishFailedEntry, PublishSuccessEntry } from './publish.ts';
import { RealtimeConnection } from './realtime.ts';
import type { RealtimeContext } from './realtime.ts';
import { startListener } from './server.ts';
import { serveStatic } from './static.ts';

export type { EmulatorConfig, ResolvedConfig } from './config.ts';
export type { LogEntry } from './log.ts';
export type { AckType, RejectOptions } from './faults.ts';
export { DEFAULT_API_KEY } from './config.ts';

/** Hard cap handed to `ws`: beyond it ws closes with 1009; below it we answer with an error frame. */
const WS_MAX_PAYLOAD = 64 * 1024 * 1024;

export interface Emulator {
  readonly port: number;
  /** `http(s)://host:port` (https when TLS is on or both). */
  readonly origin: string;
  /** HTTP publish endpoint, `…/event`: also the `endpoint` Amplify wants. */
  readonly httpUrl: string;
  /** `wss://…/event/realtime` (or ws:// when tls is off). */
  readonly realtimeUrl: string;
  /** Plain-text variants when tls is 'both' or 'off' (undefined with tls 'on'). */
  readonly plainHttpUrl?: string;
  readonly plainRealtimeUrl?: string;
  /** The self-signed (or configured) certificate in PEM, when TLS is enabled. */
  readonly certificate?: string;
  readonly config: ResolvedConfig;
  /** Every frame in and out, HTTP request, connection and auth decision (bounded). */
  readonly log: readonly LogEntry[];
  /** Emits 'log' (LogEntry) for every entry. */
  readonly events: EventEmitter;
  onLog(listener: (entry: LogEntry) => void): () => void;
  /** Ids of the open WebSocket connections, oldest first. */
  readonly connections: readonly string[];
  readonly faults: Faults;
  /** Close a connection with a close frame (`code`), or drop it abruptly (no code → 1006 at the client). */
  dropConnection(connId: string, code?: number, reason?: string): boolean;
  /** Send any frame: a string as a text frame, a Buffer as a binary frame. */
  sendRaw(connId: string, data: string | Buffer): boolean;
  /** Send broadcast_error to every subscription with this id (optionally on one connection). */
  broadcastError(subId: string, connId?: string, error?: { errorType: string; message: string }): number;
  /** Server-side publish of JSON-text events (no auth). Throws on a request-level error. */
  publish(
    channel: string,
    events: string | readonly string[],
  ): { successful: PublishSuccessEntry[]; failed: PublishFailedEntry[]; delivered: number };
  /** Like publish, with values that are JSON.stringify'd first. */
  publishJson(channel: string, values: readonly unknown[]): ReturnType<Emulator['publish']>;
  stop(): Promise<void>;
}

function offeredProtocols(req: IncomingMessage): string[] {
  return offeredSubprotocols(String(req.headers['sec-websocket-protocol'] ?? ''));
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startEmulator(input: EmulatorConfig = {}): Promise<Emulator> {
  const config = resolveConfig(input);
  const log = new TrafficLog(config.logLimit, config.logTextLimit, config.logger);
  const authorizer = new Authorizer(config);
  await authorizer.preload();
  const broker = new Broker();
  const faults = new Faults();
  const connections = new Map<string, RealtimeConnection>();
  const rt: RealtimeContext = { config, authorizer, broker, log, faults, connections };
  let connCounter = 0;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_PAYLOAD,
    // Always select the Events subprotocol: browsers and ws fail the handshake when none is
    // echoed (reference 2.1). The upgrade handler has already checked it was offered.
    handleProtocols: () => APPSYNC_EVENTS_SUBPROTOCOL,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse, _secure: boolean): void => {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    const fail = (err: unknown): void => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Emulator error: ${(err as Error).message}\n`);
    };
    if (path === '/event') {
      handleEventRequest(rt, req, res).catch(fail);
      return;
    }
    const done = (status: number): void => log.add({ kind: 'http', method: req.method ?? 'GET', path: req.url ?? '/', status });
    if (config.staticDir) {
      serveStatic(config.staticDir, req, res).then(done, fail);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found: the emulator serves POST /event and WebSocket /event/realtime\n');
    done(404);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void => {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    const connId = `conn-${++connCounter}`;
    const reject = (status: number, text: string, reason: string): void => {
      rejectUpgrade(socket, status, text);
      log.add({ kind: 'connection', connId, event: 'rejected', code: status, reason, secure });
    };
    if (path !== '/event/realtime') return reject(404, 'Not Found', `no WebSocket endpoint at ${path}`);
    const protocols = offeredProtocols(req);
    // Without the Events subprotocol we refuse the upgrade outright (UNKNOWN upstream): the
    // client then fails as a browser would against a server that does not speak the protocol.
    if (!protocols.includes(APPSYNC_EVENTS_SUBPROTOCOL)) {
      return reject(400, 'Bad Request', `subprotocol ${APPSYNC_EVENTS_SUBPROTOCOL} not offered`);
    }
    // Auth from `header-` (browsers) or, when absent, from the upgrade's own headers
    // (Swift and Android, reference 2.1). An undecodable `header-` counts as no credentials.
    const hasHeaderProtocol = protocols.some((p) => p.startsWith('header-'));
    const connectAuth = hasHeaderProtocol
      ? (findAuthSubprotocol(protocols) ?? {})
      : ({ ...req.headers } as Record<string, unknown>);
    wss.handleUpgrade(req, socket, head, (ws) => {
      new RealtimeConnection(rt, connId, ws, socket, secure, connectAuth);
    });
  };

  const listener = await startListener(config, { request: onRequest, upgrade: onUpgrade });
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const authority = `${hostForUrl}:${listener.port}`;
  const tlsOn = config.tls !== 'off';
  const plainOn = config.tls !== 'on';

  const publish: Emulator['publish'] = (channel, eventsIn) => {
    const events = typeof eventsIn === 'string' ? [eventsIn] : eventsIn;
    const ch = checkChannel(config, channel, false);
    if (!ch.ok) throw new Error(`${ch.error.errorType}: ${ch.error.message}`);
    const shape = checkEventsShape(config, events);
    if (!shape.ok) throw new Error(`BadRequestException: ${shape.message}`);
    const verdict = judgeEvents(config, shape.events);
    const delivered = broker.deliver(ch.channel, ch.namespace.name, verdict.accepted);
    return { successful: verdict.successful, failed: verdict.failed, delivered };
  };

  const emulator: Emulator = {
    port: listener.port,
    origin: `${tlsOn ? 'https' : 'http'}://${authority}`,
    httpUrl: `${tlsOn ? 'https' : 'http'}://${authority}/event`,
    realtimeUrl: `${tlsOn ? 'wss' : 'ws'}://${authority}/event/realtime`,
    ...(plainOn ? { plainHttpUrl: `http://${authority}/event`, plainRealtimeUrl: `ws://${authority}/event/realtime` } : {}),
    ...(listener.tls ? { certificate: listener.tls.cert } : {}),
    config,
    log: log.entries,
    events: log.emitter,
    onLog: (fn) => log.onEntry(fn),
    get connections() {
      return [...connections.keys()];
    },
    faults,
    dropConnection(connId, code, reason) {
      const c = connections.get(connId);
      if (!c) return false;
      if (code === undefined) c.terminate();
      else c.close(code, reason);
      return true;
    },
    sendRaw(connId, data) {
      const c = connections.get(connId);
      if (!c) return false;
      c.sendRaw(data);
      return true;
    },
    broadcastError(subId, connId, error) {
      const subs = broker.findById(subId, connId);
      const errors = [error ?? { errorType: 'MessageProcessingError', message: 'There was an error processing the message' }];
      for (const s of subs) s.send(JSON.stringify({ type: 'broadcast_error', id: s.subId, errors }));
      return subs.length;
    },
    publish,
    publishJson: (channel, values) => publish(channel, values.map((v) => JSON.stringify(v))),
    async stop() {
      for (const c of connections.values()) c.close(1001, 'Emulator stopping');
      // Give close frames a moment to reach clients before sockets are destroyed.
      const deadline = Date.now() + 500;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      wss.close();
      await listener.close();
    },
  };
  return emulator;
}
