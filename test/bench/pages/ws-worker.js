// ws.html's burst mode inside a dedicated worker: warm-up of `warm` frames, POST /phase and
// wait for the harness, then `n` frames as fast as they come; POST /result.
self.onmessage = (e) => {
  const q = new URLSearchParams(e.data);
  const run = q.get('run') ?? '';
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
  ws.onclose = (ev) => { if (count < target) post('/result', { error: `socket closed early (${ev.code}) after ${count}` }); };
  ws.onmessage = (m) => {
    const f = JSON.parse(m.data);
    if (f.type !== 'data') return;
    if (count === 0) t0 = performance.now();
    count++;
    bytes += m.data.length;
    if (count === target) onTarget();
  };
  const receive = (k) => {
    count = 0;
    bytes = 0;
    target = k;
    return new Promise((resolve) => (onTarget = resolve));
  };
  ws.onopen = async () => {
    const warmed = receive(warm);
    ws.send(`go:${warm}`);
    await warmed;
    self.postMessage('warm');
    await post('/phase', { phase: 'warm-done', received: count });
    const measured = receive(n);
    ws.send(`go:${n}`);
    await measured;
    const ms = performance.now() - t0;
    self.postMessage(`done ${count}`);
    post('/result', { mode: 'burst', received: count, bytes, ms, fps: ((count - 1) * 1000) / ms, visibility: 'worker' });
  };
};
