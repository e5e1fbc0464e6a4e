// The benchmarks' local server (127.0.0.1 only): serves test/bench/pages over http, collects
// what the pages POST, and is a plain `ws` server on /event/realtime that sends pre-built
// AppSync-like `data` frames, either as fast as the page takes them (bounded queue,
// resumed on drain) or at a fixed rate. It does no per-frame work besides `send`, so it is
// not the bottleneck.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocketServer } from 'ws';

const PAGES = join(import.meta.dirname, '..', 'pages');
const HIGH_WATER = 8 * 1024 * 1024;

// Deterministic pseudo-random numbers so every run sends the same bytes.
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', 'delta', 'harbor', 'quartz', 'meadow', 'copper', 'violet', 'summit', 'lumen', 'ember', 'orbit'];

/**
 * One AppSync `data` frame: `{"type":"data","id":"<subscription uuid>","event":"<JSON text>"}`
 * whose event is an order-like document. Frames are padded to `size` ± 2 bytes.
 * With `index`, the event starts with `{"n":<index>,` so the frame can be identified.
 */
export function buildFrame(rand, subId, size, index) {
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const items = [];
  const count = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < count; i++) items.push({ sku: `SKU-${Math.floor(rand() * 1e6)}`, qty: 1 + Math.floor(rand() * 5), price: Math.round(rand() * 10000) / 100 });
  const ev = {
    ...(index === undefined ? {} : { n: index }),
    orderId: `ord_${Math.floor(rand() * 1e12).toString(36)}`,
    status: pick(['CREATED', 'PAID', 'SHIPPED', 'DELIVERED']),
    customer: { id: `cus_${Math.floor(rand() * 1e9).toString(36)}`, name: `${pick(WORDS)} ${pick(WORDS)}`, tier: pick(['gold', 'silver', 'basic']) },
    items,
    total: Math.round(rand() * 100000) / 100,
    currency: pick(['EUR', 'USD', 'GBP']),
    createdAt: new Date(1_790_000_000_000 + Math.floor(rand() * 1e9)).toISOString(),
    note: '',
  };
  const wrap = (e) => JSON.stringify({ type: 'data', id: subId, event: JSON.stringify(e) });
  const target = size - 2 + Math.floor(rand() * 6); // size-2 … size+3
  let frame = wrap(ev);
  if (frame.length < target) {
    // Every char of the note costs exactly one byte (ASCII, nothing to escape).
    let note = '';
    while (note.length < target - frame.length) note += pick(WORDS) + ' ';
    ev.note = note.slice(0, target - frame.length);
    frame = wrap(ev);
  }
  return frame;
}

/** The subscription ids the frames of `pool` carry (buildFrames cycles through a few). */
function subscriptionIds(pool) {
  const ids = new Set();
  for (let i = 0; i < Math.min(pool.length, 16); i++) ids.add(JSON.parse(String(pool[i])).id);
  return [...ids];
}

/** N frames as Buffers (UTF-8, sent as text frames). */
export function buildFrames(n, { size = 515, indexed = false, seed = 42 } = {}) {
  const rand = prng(seed);
  const subs = Array.from({ length: 4 }, () => randomUUID());
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = Buffer.from(buildFrame(rand, subs[i % subs.length], size, indexed ? i : undefined));
  return out;
}

export async function startBenchServer({ frames, indexedFrames } = {}) {
  const events = new EventEmitter();
  const held = new Map(); // run -> [resolve of a held /phase response]
  const stats = { sent: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        let data = {};
        try {
          data = JSON.parse(body || '{}');
        } catch {
          /* keep {} */
        }
        const run = url.searchParams.get('run') ?? '';
        if (url.pathname === '/phase') {
          // Held until the harness releases it (it takes a CPU snapshot first).
          events.emit('phase', { run, ...data, release: () => res.end('go') });
          return;
        }
        events.emit(url.pathname.slice(1), { run, ...data });
        res.end('ok');
      });
      return;
    }
    const path = normalize(url.pathname).replace(/^\/+/, '');
    if (path.startsWith('pages/') && !path.includes('..')) {
      try {
        const body = readFileSync(join(PAGES, path.slice('pages/'.length)));
        const type = path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
        return;
      } catch {
        /* 404 below */
      }
    }
    // The built hook bundle, for the micro-benchmark (no extension involved).
    // Built bundles registered by the benchmarks (hook bundles, the sessions bench bundle).
    if (server.files?.has(path)) {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(readFileSync(server.files.get(path)));
      return;
    }
    res.writeHead(404).end('not found');
  });

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('aws-appsync-event-ws') ? 'aws-appsync-event-ws' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url.startsWith('/event/realtime')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws));
  });

  function onSocket(ws) {
    let stop = false;
    ws.on('close', () => (stop = true));
    ws.on('error', () => (stop = true));
    ws.on('message', (data) => {
      const m = String(data);
      let r;
      // The AppSync handshake a real client makes, so the recorded session (and the panel's
      // traffic model) sees subscriptions with acks rather than events for unknown ids.
      if (m.startsWith('{')) {
        const o = JSON.parse(m);
        if (o.type === 'connection_init') ws.send(JSON.stringify({ type: 'connection_ack', connectionTimeoutMs: 300000 }));
        else if (o.type === 'subscribe') ws.send(JSON.stringify({ type: 'subscribe_success', id: o.id }));
      } else if ((r = /^subs:(burst|paced)$/.exec(m))) ws.send(JSON.stringify({ type: 'bench_subs', ids: subscriptionIds(r[1] === 'paced' ? indexedFrames() : frames()) }));
      else if ((r = /^go:(\d+)$/.exec(m))) burst(ws, frames(), Number(r[1]), () => stop);
      else if ((r = /^pace:(\d+):(\d+):(.*)$/.exec(m))) paced(ws, indexedFrames(), Number(r[1]), Number(r[2]), r[3], () => stop);
    });
  }

  // As fast as the page takes them: keep at most HIGH_WATER bytes queued, resume on drain.
  function burst(ws, pool, n, stopped) {
    let i = 0;
    let waiting = false;
    const step = () => {
      waiting = false;
      while (i < n) {
        if (stopped() || ws.readyState !== 1) return;
        if (ws.bufferedAmount > HIGH_WATER) {
          waiting = true;
          const resume = () => {
            clearTimeout(fallback);
            if (waiting) step();
          };
          const fallback = setTimeout(() => {
            ws._socket?.off('drain', resume);
            resume();
          }, 200);
          ws._socket.once('drain', resume);
          return;
        }
        ws.send(pool[i % pool.length], { binary: false });
        i++;
        stats.sent++;
      }
    };
    step();
  }

  // Fixed rate: every ~2 ms, send what the clock says is due. Ends with a `bench_end` frame.
  function paced(ws, pool, rate, ms, run, stopped) {
    const total = Math.min(pool.length, Math.floor((rate * ms) / 1000));
    const t0 = performance.now();
    let sent = 0;
    const tick = () => {
      if (stopped() || ws.readyState !== 1) return events.emit('paced', { run, sent, total, aborted: true });
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      while (sent < due) ws.send(pool[sent++], { binary: false });
      if (sent < total) return void setTimeout(tick, 2);
      ws.send(JSON.stringify({ type: 'bench_end', sent }));
      events.emit('paced', { run, sent, total, ms: performance.now() - t0, aborted: false });
    };
    tick();
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    events,
    stats,
    /** Built hook bundles served as /hook-<browser>.js, e.g. { chromium: '…/hook.iife.js' }. */
    setHookFiles(files) {
      for (const [browser, file] of Object.entries(files)) this.serveFile(`hook-${browser}.js`, file);
    },
    /** Serves `file` at /<name>. */
    serveFile(name, file) {
      (server.files ??= new Map()).set(name, file);
    },
    /** Next event `name` for `run` (optionally matching `pred`), bounded by `timeout`. */
    next(name, run, timeout, pred = () => true) {
      return new Promise((resolve, reject) => {
        const on = (e) => {
          if (e.run !== run || !pred(e)) return;
          clearTimeout(timer);
          events.off(name, on);
          resolve(e);
        };
        const timer = setTimeout(() => {
          events.off(name, on);
          reject(new Error(`timed out after ${timeout} ms waiting for ${name} of run ${run}`));
        }, timeout);
        events.on(name, on);
      });
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}
