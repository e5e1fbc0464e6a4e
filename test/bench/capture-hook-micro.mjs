// capture-hook-micro: the hook's own cost per received frame on the page's thread, with no
// network and no extension. A page installs an EventTarget-based WebSocket stand-in, loads
// the built hook bundle (dist/<browser>/extension/page/hook.iife.js) so it wraps that class,
// and hands the hook a MessageChannel port with the relay's handshake. Then M message
// events are dispatched through a socket, repeated, alternating:
//   bare       a socket built from the untouched class (no tap at all)
//   recording  a tapped socket while recording: record + outbox + a batch of 1,000 as one
//              JSON string posted to the simulated relay (which acks without parsing)
//   held       a tapped socket while not recording: record + the bounded held buffer
//              (20,000 records; beyond that every push evicts the oldest: steady state)
// Reported: median added µs per frame (per-repetition difference to the bare repetition
// of the same round), from the synchronous dispatch loop, and for recording also the time
// until the relay has received every batch (message deserialisation on the same thread).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, launchFirefox } from './lib/browsers.mjs';
import { buildFrame } from './lib/server.mjs';
import { fmt, fmtInt, log, median, min, max, roundOrder, table, withTimeout } from './lib/util.mjs';

export const name = 'capture-hook-micro';

const MODES = ['bare', 'recording', 'held'];

async function measureIn(browserName, ctx) {
  const { opts, server } = ctx;
  const m = opts.microFrames;
  const eb = browserName === 'chromium' ? await launchChromium({ extraArgs: ['--js-flags=--expose-gc'] }) : await launchFirefox({});
  try {
    return await withTimeout(
      (async () => {
        const page = await eb.firstPage();
        await page.goto(`${server.origin}/pages/micro.html?browser=${browserName}`);
        const hooked = await page.evaluate(() => window.__hooked);
        if (!hooked) throw new Error('the hook did not wrap WebSocket in the micro page');
        let seed = 7;
        const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
        const frames = Array.from({ length: 1000 }, () => buildFrame(rand, '4c1f2a9e-0b7d-4f3e-9a61-2d8c5e7b1f04', 515));
        await page.evaluate((f) => (window.__frames = f), frames);
        // One untimed round so every path is compiled before measuring.
        for (const mode of MODES) await page.evaluate((mode, k) => window.__rep(mode, k), mode, Math.min(m, 50_000));
        const reps = Object.fromEntries(MODES.map((x) => [x, []]));
        for (let r = 0; r < opts.microReps; r++) {
          for (const mode of roundOrder(MODES, r)) {
            const res = await page.evaluate((mode, k) => window.__rep(mode, k), mode, m);
            reps[mode].push({ ...res, round: r });
          }
        }
        const relay = await page.evaluate(() => ({ batches: window.__relay.batches, chars: window.__relay.chars, hookReady: window.__relay.hookReady }));
        // Without the handshake the "recording" mode measures a hook that holds its records.
        if (relay.hookReady === 0 || relay.batches === 0) throw new Error(`the hook never reached the simulated relay (hookReady ${relay.hookReady}, batches ${relay.batches})`);
        return { reps, relay };
      })(),
      600_000,
      `${name} in ${browserName}`,
    );
  } finally {
    await eb.close();
  }
}

function report(browserName, data, m) {
  const { reps } = data;
  const us = (ms) => (ms * 1000) / m;
  const bareByRound = new Map(reps.bare.map((x) => [x.round, x.loopMs]));
  const rows = [];
  const added = {};
  for (const mode of MODES) {
    const loop = reps[mode].map((x) => us(x.loopMs));
    const diffs = reps[mode].map((x) => us(x.loopMs - bareByRound.get(x.round)));
    added[mode] = median(diffs);
    const drain = reps[mode].filter((x) => x.drainMs !== null).map((x) => us(x.loopMs + x.drainMs));
    const drainAdded = reps[mode].filter((x) => x.drainMs !== null).map((x) => us(x.loopMs + x.drainMs - bareByRound.get(x.round)));
    rows.push([
      mode,
      `${reps[mode].length}`,
      fmt(median(loop), 2),
      `${fmt(min(loop), 2)}–${fmt(max(loop), 2)}`,
      mode === 'bare' ? '–' : fmt(added[mode], 2),
      mode === 'bare' ? '–' : `${fmt(min(diffs), 2)}–${fmt(max(diffs), 2)}`,
      drain.length ? fmt(median(drainAdded), 2) : '–',
    ]);
  }
  const text = [
    `### capture-hook-micro: ${browserName}, ${fmtInt(m)} message events per repetition, ${reps.bare.length} repetitions per mode`,
    '',
    table(['mode', 'reps', 'µs/frame (loop, median)', 'min–max', 'added µs/frame vs bare (median of per-round differences)', 'min–max of differences', 'added incl. relay receiving every batch'], rows),
    '',
    `Relay saw ${fmtInt(data.relay.batches)} batches (${fmt(data.relay.chars / 1e6, 0)} M chars). "held" runs at its bound: beyond 20,000 held records every frame evicts the oldest, which is the steady state of a page with no panel open. The bare loop includes creating the MessageEvent and dispatching it to one app listener.`,
  ].join('\n');
  return { text, added };
}

export async function run(ctx) {
  const { opts, dist } = ctx;
  ctx.server.setHookFiles({
    chromium: join(dist.chromium, 'extension/page/hook.iife.js'),
    firefox: join(dist.firefox, 'extension/page/hook.iife.js'),
  });
  readFileSync(join(dist.chromium, 'extension/page/hook.iife.js')); // fail early if not built
  const texts = [];
  const summary = [];
  for (const browserName of opts.firefox ? ['chromium', 'firefox'] : ['chromium']) {
    log(`${name}: ${browserName}`);
    try {
      const data = await measureIn(browserName, ctx);
      const { text, added } = report(browserName, data, opts.microFrames);
      console.log(text + '\n');
      texts.push(text);
      summary.push([`Hook cost per frame (${browserName}, micro)`, `+${fmt(added.recording, 2)} µs recording / +${fmt(added.held, 2)} µs not recording`, `${opts.microReps} reps of ${fmtInt(opts.microFrames)} events, no network`]);
    } catch (error) {
      const text = `### capture-hook-micro: ${browserName}\n\nFAILED: ${error.message}`;
      console.log(text + '\n');
      texts.push(text);
      summary.push([`Hook cost per frame (${browserName}, micro)`, 'failed', error.message]);
    }
  }
  return { name, text: texts.join('\n\n'), summary };
}
