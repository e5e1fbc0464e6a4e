// Test helpers for the emulator suites: a raw `ws` client that records every frame and
// lets a test await the next frame matching a predicate (never fixed sleeps), plus signing
// helpers that do what real clients do.

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';
import { encodeAuthSubprotocol } from '../../../src/protocol/auth.ts';
import { startEmulator } from '../../../src/emulator/index.ts';
import type { Emulator, EmulatorConfig, LogEntry } from '../../../src/emulator/index.ts';

export const KEY = 'da2-localemulatorkey0000000000';
export const PROTOCOL = 'aws-appsync-event-ws';
export const UNAUTHORIZED = { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' };
export const IAM = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-test-secret' };

export type Frame = Record<string, unknown> & { type?: string; id?: string };

const running = new Set<Emulator>();

/** Plain ws:// on port 0 unless the test asks otherwise; stopped by stopAll(). */
export async function emulator(config: EmulatorConfig = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, tls: 'off', ...config });
  running.add(emu);
  return emu;
}

export async function stopAll(): Promise<void> {
  const all = [...running];
  running.clear();
  await Promise.all(all.map((e) => e.stop()));
}

export function hostOf(emu: Emulator): string {
  return new URL(emu.httpUrl).host;
}

export function apiKeyAuth(emu: Emulator, key = KEY): Record<string, string> {
  return { host: hostOf(emu), 'x-api-key': key };
}

export function headerProtocol(auth: Record<string, unknown>): string {
  return encodeAuthSubprotocol(auth);
}

export class Client {
  readonly frames: Frame[] = [];
  readonly raw: (string | Buffer)[] = [];
  private pending: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.raw.push(isBinary ? data : data.toString());
      const frame = isBinary ? { type: '<binary>', size: data.length } : (JSON.parse(data.toString()) as Frame);
      this.frames.push(frame);
      const i = this.waiters.findIndex((w) => w.pred(frame));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w!.resolve(frame);
      } else {
        this.pending.push(frame);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** The next not-yet-consumed frame matching `pred` (already received or still to come). */
  next(pred: (f: Frame) => boolean = () => true, timeoutMs = 2000): Promise<Frame> {
    const i = this.pending.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.pending.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms; received: ${JSON.stringify(this.frames).slice(0, 800)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Next frame of this type (and id, when given). */
  nextOf(type: string, id?: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === type && (id === undefined || f.id === id), timeoutMs);
  }

  /** Next frame that answers operation `id` (any type). */
  reply(id: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.id === id && f.type !== 'data', timeoutMs);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Unconsumed frames other than ka, for "nothing else arrived" assertions. */
  unconsumed(): Frame[] {
    return this.pending.filter((f) => f.type !== 'ka');
  }

  close(): void {
    this.ws.close();
  }
}

export interface ConnectOptions {
  /** Full protocol list; default [PROTOCOL, header-<apiKeyAuth>]. */
  protocols?: string[];
  headers?: Record<string, string>;
  url?: string;
  init?: boolean;
}

/** Opens a socket (default: API key in `header-`) and, unless init=false, completes connection_init. */
export async function connect(emu: Emulator, opts: ConnectOptions = {}): Promise<Client> {
  const protocols = opts.protocols ?? [PROTOCOL, headerProtocol(apiKeyAuth(emu))];
  const ws = new WebSocket(opts.url ?? emu.plainRealtimeUrl ?? emu.realtimeUrl, protocols, {
    ...(opts.headers ? { headers: opts.headers } : {}),
    rejectUnauthorized: false,
  });
  const client = new Client(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  if (opts.init !== false) {
    client.send({ type: 'connection_init' });
    await client.nextOf('connection_ack');
  }
  return client;
}

/** Resolves with the error a failed handshake raises. */
export function handshakeError(url: string, protocols: string[] | undefined, headers?: Record<string, string>): Promise<Error> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { rejectUnauthorized: false, ...(headers ? { headers } : {}) });
    ws.once('open', () => {
      ws.close();
      reject(new Error('handshake unexpectedly succeeded'));
    });
    ws.once('error', (err) => resolve(err));
  });
}

export async function subscribe(c: Client, id: string, channel: string, authorization: Record<string, unknown>): Promise<Frame> {
  c.send({ type: 'subscribe', id, channel, authorization });
  return c.reply(id);
}

export async function publish(
  c: Client,
  id: string,
  channel: string,
  events: unknown[],
  authorization: Record<string, unknown>,
): Promise<Frame> {
  c.send({ type: 'publish', id, channel, events, authorization });
  return c.reply(id);
}

/** Awaits the next log entry matching `pred` (for server-side conditions). */
export function nextLog(emu: Emulator, pred: (e: LogEntry) => boolean, timeoutMs = 2000): Promise<LogEntry> {
  return new Promise((resolve, reject) => {
    const off = emu.onLog((e) => {
      if (!pred(e)) return;
      off();
      clearTimeout(timer);
      resolve(e);
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error('no matching log entry'));
    }, timeoutMs);
  });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const VIRTUAL_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

export interface SignOptions {
  secretAccessKey?: string;
  sessionToken?: string;
  signingDate?: Date;
  region?: string;
  applyChecksum?: boolean;
}

/** The IAM auth object a client builds for the virtual `POST /event` request (reference 2.2). */
export async function iamAuth(host: string, body: string, o: SignOptions = {}): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: IAM.accessKeyId,
      secretAccessKey: o.secretAccessKey ?? IAM.secretAccessKey,
      ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}),
    },
    region: o.region ?? 'us-east-1',
    service: 'appsync',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
  const [hostname = '', port] = host.split(':');
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: '/event',
      query: {},
      headers: { ...VIRTUAL_HEADERS, host },
      body,
    },
    o.signingDate ? { signingDate: o.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}
