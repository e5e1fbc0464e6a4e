// Emulator benchmark (not a test): fan-out throughput and publish→data latency over
// loopback WebSockets. Run: npx tsx test/bench/emulator-bench.ts
//
// Everything runs in one Node process (server and clients share the event loop), so the
// figures are a lower bound for the server alone. Loops are bounded; nothing leaves 127.0.0.1.

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodeAuthSubprotocol } from '../../src/protocol/auth.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import type { Emulator } from '../../src/emulator/index.ts';

const KEY = 'da2-benchkey000000000000000000';
const auth = { 'x-api-key': KEY };
const CHANNEL = '/default/bench';
const BATCH = 5; // events per publish (the AppSync maximum)
const WINDOW = 32; // publishes in flight

interface Sock {
  ws: WebSocket;
  onFrame: (f: { type: string; id?: string; event?: string }) => void;
}

async function open(emu: Emulator): Promise<Sock> {
  const ws = new WebSocket(emu.plainRealtimeUrl!, ['aws-appsync-event-ws', encodeAuthSubprotocol({ 'x-api-key': KEY })]);
  const sock: Sock = { ws, onFrame: () => {} };
  ws.on('message', (d: Buffer) => sock.onFrame(JSON.parse(d.toString())));
  await new Promise((r) => ws.once('open', r));
  return sock;
}

function until(sock: Sock, pred: (f: { type: string; id?: string; event?: string }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    sock.onFrame = (f) => {
      if (pred(f)) resolve();
    };
  });
}

async function subscribers(emu: Emulator, n: number): Promise<Sock[]> {
  const subs: Sock[] = [];
  for (let i = 0; i < n; i++) {
    const s = await open(emu);
    const ok = until(s, (f) => f.type === 'subscribe_success');
    s.ws.send(JSON.stringify({ type: 'subscribe', id: 'bench', channel: CHANNEL, authorization: auth }));
    await ok;
    subs.push(s);
  }
  return subs;
}

async function throughput(emu: Emulator, n: number, totalEvents: number): Promise<{ eventsPerSec: number; ms: number }> {
  const subs = await subscribers(emu, n);
  const pub = await open(emu);
  const publishes = Math.ceil(totalEvents / BATCH);
  const expected = publishes * BATCH;
  let received = 0;
  const allDelivered = new Promise<void>((resolve) => {
    for (const s of subs) {
      s.onFrame = (f) => {
        if (f.type === 'data' && ++received === expected * n) resolve();
      };
    }
  });
  const events = Array.from({ length: BATCH }, (_, i) => JSON.stringify({ i, payload: 'x'.repeat(64) }));
  let sent = 0;
  let acked = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (sent < publishes && sent - acked < WINDOW) {
        pub.ws.send(JSON.stringify({ type: 'publish', id: `p${sent++}`, channel: CHANNEL, events, authorization: auth }));
      }
    };
    pub.onFrame = (f) => {
      if (f.type === 'publish_success' || f.type === 'publish_error') {
        if (f.type === 'publish_error') throw new Error('publish failed');
        if (++acked === publishes) resolve();
        else pump();
      }
    };
    pump();
  });
  await allDelivered;
  const ms = performance.now() - start;
  for (const s of [...subs, pub]) s.ws.terminate();
  return { eventsPerSec: (expected * n) / (ms / 1000), ms };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function latency(emu: Emulator, n: number, rounds: number): Promise<{ p50: number; p99: number }> {
  const subs = await subscribers(emu, n);
  const pub = await open(emu);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let pending = n;
    const t0 = performance.now();
    const done = new Promise<void>((resolve) => {
      for (const s of subs) {
        s.onFrame = (f) => {
          if (f.type !== 'data') return;
          samples.push(performance.now() - t0);
          if (--pending === 0) resolve();
        };
      }
    });
    pub.ws.send(JSON.stringify({ type: 'publish', id: `l${r}`, channel: CHANNEL, events: [`{"r":${r}}`], authorization: auth }));
    await done;
  }
  for (const s of [...subs, pub]) s.ws.terminate();
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function main(): Promise<void> {
  const emu = await startEmulator({
    port: 0,
    tls: 'off',
    apiKeys: [KEY],
    limits: { maxPublishesPerSecond: 0, maxSubscriptionsPerConnection: 200 },
    logLimit: 1000,
  });
  const plan: [subscribers: number, events: number, rounds: number][] = [
    [1, 50_000, 500],
    [10, 20_000, 300],
    [100, 4_000, 200],
  ];
  const rows: string[] = [];
  // Warm-up so JIT compilation does not land in the first row.
  await throughput(emu, 1, 5_000);
  for (const [n, events, rounds] of plan) {
    const t = await throughput(emu, n, events);
    const l = await latency(emu, n, rounds);
    rows.push(
      `| ${String(n).padStart(11)} | ${String(events).padStart(9)} | ${Math.round(t.eventsPerSec).toLocaleString('en-US').padStart(18)} | ${l.p50.toFixed(2).padStart(8)} | ${l.p99.toFixed(2).padStart(8)} |`,
    );
  }
  await emu.stop();
  console.log(`Node ${process.version}, ws://127.0.0.1, batches of ${BATCH} events (~80 B each), ${WINDOW} publishes in flight`);
  console.log('| subscribers | published | delivered events/s | p50 (ms) | p99 (ms) |');
  console.log('|-------------|-----------|--------------------|----------|----------|');
  for (const r of rows) console.log(r);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
