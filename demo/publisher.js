// The second client: its own realtime connection that never subscribes and only publishes,
// so the main page shows events that another client sent.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var apiKey = params.get('key') || 'da2-localemulatorkey0000000000';
  var httpHost = params.get('host') || location.host;
  var secure = location.protocol === 'https:';
  var statusEl = document.getElementById('pub-status');
  var resultEl = document.getElementById('pub-result');
  var channel = '/default/orders/restock';
  var nextId = 1;

  function b64url(text) {
    var bytes = new TextEncoder().encode(text);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  var auth = { host: httpHost, 'x-api-key': apiKey };
  function restock() {
    return JSON.stringify({ item: 'oat milk', restocked: 12, at: new Date().toISOString() });
  }

  var ws = new WebSocket((secure ? 'wss://' : 'ws://') + httpHost + '/event/realtime', ['aws-appsync-event-ws', 'header-' + b64url(JSON.stringify(auth))]);
  ws.onopen = function () {
    ws.send(JSON.stringify({ type: 'connection_init' }));
  };
  ws.onmessage = function (e) {
    var msg = JSON.parse(e.data);
    if (msg.type === 'connection_ack') statusEl.textContent = 'second client connected: publishes to ' + channel;
    else if (msg.type === 'publish_success') resultEl.textContent = 'published ' + msg.successful.length + ' event(s) (' + msg.id + ')';
    else if (msg.type !== 'ka') resultEl.textContent = msg.type + ' ' + JSON.stringify(msg.errors || '');
  };
  ws.onclose = function (e) {
    statusEl.textContent = 'second client disconnected (' + e.code + ')';
  };

  document.getElementById('publish-ws').addEventListener('click', function () {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(JSON.stringify({ type: 'publish', id: 'restock-' + nextId++, channel: channel, events: [restock()], authorization: auth }));
  });
  document.getElementById('publish-http').addEventListener('click', function () {
    fetch((secure ? 'https://' : 'http://') + httpHost + '/event', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ channel: channel, events: [restock()] }),
    })
      .then(function (r) { return r.json(); })
      .then(function (body) { resultEl.textContent = 'HTTP publish: ' + JSON.stringify(body); })
      .catch(function (err) { resultEl.textContent = 'HTTP publish failed: ' + err; });
  });
})();
