// The receiver of the capture benchmarks, for a page (ws.html) or a dedicated worker
// (ws-worker.js, whose socket only the debugger capture sees). `show` reports progress,
// `visibility` what the result says of the document's visibility.
// Behaves like an AppSync Events client that receives a lot: opens the realtime socket with
// the AppSync subprotocols, JSON.parses every frame and counts `data` frames.
// burst: warm-up of `warm` frames, then POST /phase and wait for the harness, then `n` frames
//        as fast as they come; POST /result with the page-side wall time of the run.
// paced: ask the server for `rate` frames/s during `ms`; POST /result at the end marker.
function startReceiver(search, show, visibility) {
  const q = new URLSearchParams(search);
  const run = q.get('run') ?? '';
  const mode = q.get('mode') ?? 'burst';
  const n = Number(q.get('n') ?? 200000);
  const warm = Number(q.get('warm') ?? 5000);
  const post = (path, body) => fetch(`${path}?run=${encodeURIComponent(run)}`, { method: 'POST', body: JSON.stringify(body) });
  const b64url = (s) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const header = 'header-' + b64url(JSON.stringify({ host: location.host, 'x-api-key': 'da2-benchkey000000000000000000' }));
  const ws = new WebSocket(`ws://${location.host}/event/realtime`, ['aws-appsync-event-ws', header]);

  let count = 0;
  let bytes = 0;
  let target = 0;
  let t0 = 0;
  let onTarget = () => {};
  ws.onerror = () => post('/result', { error: 'socket error' });
  ws.onclose = (e) => { if (count < target) post('/result', { error: `socket closed early (${e.code}) after ${count}` }); };
  /** Resolvers of the handshake's awaited message types. */
  const waiting = new Map();
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve));
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    const w = waiting.get(m.type);
    if (w) {
      waiting.delete(m.type);
      w(m);
    }
    if (m.type === 'data') {
      if (count === 0) t0 = performance.now();
      count++;
      bytes += e.data.length;
      if (count === target) onTarget();
    } else if (m.type === 'bench_end') {
      const ms = performance.now() - t0;
      post('/result', { mode, received: count, sent: m.sent, ms, visibility: visibility() });
    }
  };

  function receive(k) {
    count = 0;
    bytes = 0;
    target = k;
    return new Promise((resolve) => (onTarget = resolve));
  }

  // As an AppSync client does: connection_init, then one subscribe per subscription id the
  // server's frames carry, each acknowledged, before any event.
  async function handshake() {
    const acked = next('connection_ack');
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await acked;
    const told = next('bench_subs');
    ws.send(`subs:${mode}`);
    const { ids } = await told;
    for (const [k, id] of ids.entries()) {
      const ok = next('subscribe_success');
      ws.send(JSON.stringify({ type: 'subscribe', id, channel: `/default/bench${k}`, authorization: { host: location.host, 'x-api-key': 'da2-benchkey000000000000000000' } }));
      await ok;
    }
  }

  ws.onopen = async () => {
    await handshake();
    if (mode === 'paced') {
      ws.send(`pace:${q.get('rate')}:${q.get('ms')}:${run}`);
      show('paced');
      return;
    }
    const warmed = receive(warm);
    ws.send(`go:${warm}`);
    await warmed;
    show('warm');
    await post('/phase', { phase: 'warm-done', received: count });
    const measured = receive(n);
    ws.send(`go:${n}`);
    await measured;
    const ms = performance.now() - t0;
    show(`done ${count}`);
    post('/result', { mode, received: count, bytes, ms, fps: ((count - 1) * 1000) / ms, visibility: visibility() });
  };
}
