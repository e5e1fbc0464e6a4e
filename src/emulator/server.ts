// Listeners: one TCP port carrying HTTP and/or HTTPS (and their WebSocket upgrades). With
// tls 'both' the first byte of each connection decides: 0x16 is a TLS handshake record,
// anything else is plain HTTP. Amplify always opens wss:// (reference 9.8) while raw
// browser code on an http:// page can only use ws://, so one port serves both.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ResolvedConfig } from './config.ts';
import { loadTls } from './tls.ts';
import type { TlsMaterial } from './tls.ts';

const TLS_HANDSHAKE = 0x16;

export interface ListenerHandlers {
  request(req: IncomingMessage, res: ServerResponse, secure: boolean): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void;
}

export interface Listener {
  readonly port: number;
  readonly tls?: TlsMaterial;
  close(): Promise<void>;
}

function wire(server: HttpServer, handlers: ListenerHandlers, secure: boolean): void {
  server.on('request', (req, res) => handlers.request(req, res, secure));
  server.on('upgrade', (req, socket, head) => handlers.upgrade(req, socket, head, secure));
  // A client that vanishes mid-handshake must not take the process down.
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  server.on('tlsClientError', (_err, socket: Duplex) => socket.destroy());
}

export async function startListener(config: ResolvedConfig, handlers: ListenerHandlers): Promise<Listener> {
  const tls = config.tls === 'off' ? undefined : await loadTls(config.cert, config.key);
  const plain = config.tls === 'on' ? undefined : createHttpServer();
  const secure = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : undefined;
  if (plain) wire(plain, handlers, false);
  if (secure) wire(secure, handlers, true);

  const sockets = new Set<Socket>();
  const net = createNetServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!plain || !secure) {
      (plain ?? secure)!.emit('connection', socket);
      return;
    }
    socket.once('data', (chunk: Buffer) => {
      // Put the peeked bytes back so the chosen server parses the stream from its start.
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(config.port, config.host, () => {
      net.off('error', reject);
      resolve();
    });
  });
  const address = net.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    port,
    ...(tls ? { tls } : {}),
    close: () =>
      new Promise<void>((resolve) => {
        net.close(() => resolve());
        for (const s of sockets) s.destroy();
        plain?.closeAllConnections();
        secure?.closeAllConnections();
      }),
  };
}
