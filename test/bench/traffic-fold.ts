// Traffic model fold rate and memory for a 1,000,000-frame session, under node:
//   node --expose-gc --import tsx test/bench/traffic-fold.ts [--frames 1000000]
// Frames are generated in batches (as the store pages them) so only the model stays in
// memory; only apply() is timed. Prints frames/s, the model's retained heap, snapshot size
// and restore time.

import { utf8Length } from '../../src/protocol/base64.ts';
import type { StoredFrame } from '../../src/sessions/types.ts';
import { createTrafficModel, restoreTrafficModel } from '../../src/traffic/index.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = arg('frames', 1_000_000);
const BATCH = 5_000;
const SUBS = 20;
const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** A busy chat: 80 % data, 8 % publish + 8 % publish_success, ka, a few subscribes. */
function* batches(): Generator<StoredFrame[]> {
  let pos = 0;
  let t = Date.UTC(2026, 11, 3, 9);
  const conn = 'bench:1';
  const frame = (dir: StoredFrame['dir'], text: string | undefined, labels: Partial<StoredFrame>): StoredFrame => ({
    pos: pos,
    sock: conn,
    seq: pos++,
    t: (t += 0.2),
    conn,
    dir,
    size: text ? utf8Length(text) : 0,
    flags: 0,
    ...(text !== undefined ? { text } : {}),
    ...labels,
  });
  const head: StoredFrame[] = [frame('connecting', undefined, {}), frame('open', undefined, {})];
  head.push(frame('receive', '{"type":"connection_ack","connectionTimeoutMs":300000}', { type: 'connection_ack' }));
  for (let s = 0; s < SUBS; s++) {
    const id = `sub-${s}`;
    const channel = `/default/room-${s}`;
    head.push(frame('send', JSON.stringify({ type: 'subscribe', id, channel, authorization: { 'x-api-key': 'da2-…0000 #ac8c', host: 'h' } }), { type: 'subscribe', id, channel }));
    head.push(frame('receive', `{"id":"${id}","type":"subscribe_success"}`, { type: 'subscribe_success', id }));
  }
  let batch = head;
  let n = 0;
  while (pos < TOTAL) {
    const k = n++ % 25;
    if (k === 0 || k === 12) {
      const id = `pub-${n}`;
      const channel = `/default/room-${n % SUBS}`;
      batch.push(frame('send', JSON.stringify({ type: 'publish', id, channel, events: [`{"n":${n},"msg":"hello"}`], authorization: { 'x-api-key': 'da2-…0000 #ac8c' } }), { type: 'publish', id, channel }));
      if (pos < TOTAL) batch.push(frame('receive', `{"id":"${id}","type":"publish_success","successful":[{"identifier":"e-${n}","index":0}],"failed":[]}`, { type: 'publish_success', id }));
    } else if (k === 24) batch.push(frame('receive', '{"type":"ka"}', { type: 'ka' }));
    else {
      const id = `sub-${n % SUBS}`;
      batch.push(frame('receive', `{"id":"${id}","type":"data","event":"{\\"n\\":${n},\\"msg\\":\\"hello world\\"}"}`, { type: 'data', id, channel: `/default/room-${n % SUBS}` }));
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const before = heap();
const model = createTrafficModel();
let foldMs = 0;
let frames = 0;
for (const b of batches()) {
  const t0 = performance.now();
  model.apply(b);
  foldMs += performance.now() - t0;
  frames += b.length;
}
const retained = heap() - before;
const stats = model.stats();
console.log(`frames            ${frames.toLocaleString('en')}`);
console.log(`fold rate         ${Math.round(frames / (foldMs / 1000)).toLocaleString('en')} frames/s (${foldMs.toFixed(0)} ms)`);
console.log(`model memory      ${(retained / 1048576).toFixed(1)} MB retained (JS heap + array buffers)${gc ? '' : ' (run with --expose-gc for an exact figure)'}`);
console.log(`subscriptions     ${model.subscriptions().length}, publishes ${model.publishCount.toLocaleString('en')}, findings ${model.findings().length}, errors ${stats.errors}`);
const t1 = performance.now();
const snap = model.snapshot();
const snapMs = performance.now() - t1;
const t2 = performance.now();
const restored = restoreTrafficModel(snap);
const restoreMs = performance.now() - t2;
let bytes = 0;
const seen = new Set<unknown>();
const stack: unknown[] = [snap.state];
while (stack.length > 0) {
  const v = stack.pop();
  if (v === null || typeof v !== 'object' || seen.has(v)) continue;
  seen.add(v);
  if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
  else for (const x of Object.values(v)) stack.push(x);
}
console.log(`snapshot          ${snapMs.toFixed(0)} ms, typed arrays ${(bytes / 1048576).toFixed(1)} MB; restore ${restoreMs.toFixed(0)} ms`);
if (restored.stats().frames !== stats.frames) throw new Error('restored model differs');
const t3 = performance.now();
model.connections();
model.subscriptions();
model.channelTree();
model.stats();
console.log(`views (cold)      ${(performance.now() - t3).toFixed(1)} ms for connections, subscriptions, channel tree and stats`);
