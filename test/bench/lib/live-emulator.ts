// The emulator as a child process of the inspector-live benchmark (the benchmarks run under
// plain Node, the emulator is TypeScript: `npx tsx test/bench/lib/live-emulator.ts`). It
// serves the fixture pages (test/fixtures/pages) next to the API on one loopback origin and
// speaks one JSON object per line:
//   out {"ready":true,"origin","key"}                       once listening
//   in  {"cmd":"publish","channel","rate","seconds","size"}  server-side publishes at `rate` events/s
//   out {"published":{"events","delivered","ms","lateMs"}}  when the last one went out
//   in  {"cmd":"stop"}                                       stops and exits
// `delivered` counts the data frames the broker handed to subscribers: the count the panel
// must show in the end.

import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../../src/emulator/index.ts';

const KEY = 'da2-benchlivekey00000000000000000';
// AppSync takes at most 5 events per publish; a tick publishes what the clock says is due.
const BATCH = 5;
const TICK_MS = 4;

const emu = await startEmulator({
  host: '127.0.0.1',
  port: 0,
  tls: 'off',
  auth: { apiKeys: [KEY] },
  staticDir: resolve(import.meta.dirname, '../../fixtures/pages'),
  // The traffic log is bounded anyway; a small one keeps its cost out of the figures.
  logLimit: 1000,
  quiet: true,
});

const say = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');

/** An event of about `size` bytes of JSON text that says its own index. */
function eventText(n: number, size: number): string {
  const base = JSON.stringify({ n, kind: 'order', status: n % 3 === 0 ? 'PAID' : 'CREATED', note: '' });
  return base.length >= size ? base : JSON.stringify({ n, kind: 'order', status: n % 3 === 0 ? 'PAID' : 'CREATED', note: 'x'.repeat(size - base.length) });
}

function publishAtRate(channel: string, rate: number, seconds: number, size: number): void {
  const total = Math.floor(rate * seconds);
  const t0 = performance.now();
  let sent = 0;
  let delivered = 0;
  let lateMs = 0;
  const tick = (): void => {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000));
    // How far behind the clock the publisher fell (0 when it kept up).
    if (due - sent > rate / 10) lateMs = Math.max(lateMs, ((due - sent) * 1000) / rate);
    while (sent < due) {
      const events: string[] = [];
      for (let i = 0; i < BATCH && sent < due; i++) events.push(eventText(sent++, size));
      delivered += emu.publish(channel, events).delivered;
    }
    if (sent < total) setTimeout(tick, TICK_MS);
    else say({ published: { events: sent, delivered, ms: performance.now() - t0, lateMs } });
  };
  tick();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let m: { cmd?: string; channel?: string; rate?: number; seconds?: number; size?: number };
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  if (m.cmd === 'publish') publishAtRate(m.channel ?? '/default/stream', m.rate ?? 5000, m.seconds ?? 30, m.size ?? 200);
  else if (m.cmd === 'stop') void emu.stop().then(() => process.exit(0));
});
// The harness died: do not outlive it.
process.stdin.on('end', () => void emu.stop().then(() => process.exit(0)));

say({ ready: true, origin: `http://127.0.0.1:${emu.port}`, key: KEY });
