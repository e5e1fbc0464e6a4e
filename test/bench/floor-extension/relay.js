// The capture relay's messaging hop and nothing else: on the page's word, sends `batches`
// port messages shaped like the hook's (`framesCaptured` with a B1 payload of `perBatch`
// frames) to the background, then waits for its count. The page posts the frame texts once.
let frames = null;
window.addEventListener('message', (e) => {
  if (e.source !== window || typeof e.data !== 'object' || e.data === null) return;
  if (e.data.floorFrames) frames = e.data.floorFrames;
  if (e.data.floorRun) send(e.data.floorRun);
});
function send({ batches, perBatch }) {
  const port = chrome.runtime.connect({ name: 'floor' });
  port.onMessage.addListener((m) => {
    port.disconnect();
    fetch(`/floor-done?run=${encodeURIComponent(location.search.slice(5))}`, { method: 'POST', body: JSON.stringify(m) });
  });
  let seq = 0;
  for (let b = 0; b < batches; b++) {
    let payload = 'B1|';
    for (let i = 0; i < perBatch; i++) {
      const text = frames[seq % frames.length];
      payload += 'r0' + 11 + ':' + 'abcdefgh:12' + seq + ',' + (1764900000000 + seq / 7) + ',' + text.length + ',' + text.length + ':' + text;
      seq++;
    }
    port.postMessage({ type: 'framesCaptured', batchId: b, epoch: 0, dropped: 0, payload, last: b === batches - 1 });
  }
}
