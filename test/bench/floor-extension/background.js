// Counts what arrives (touching each payload, as a decoder would first) and says so at the end.
(globalThis.browser ?? globalThis.chrome).runtime.onConnect.addListener((port) => {
  let messages = 0;
  let chars = 0;
  port.onMessage.addListener((m) => {
    messages++;
    chars += m.payload.length;
    if (m.last) port.postMessage({ messages, chars });
  });
});
