// ws.html's receiver inside a dedicated worker: the page hook cannot see its socket.
importScripts('ws-receiver.js');
self.onmessage = (e) => startReceiver(e.data, (text) => self.postMessage(text), () => 'worker');
