// The demo app: raw AppSync Events over WebSocket and HTTP, the way an app without a client
// library talks to the service. Connection details come from the page's query string or
// fall back to the local emulator serving this page.
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var apiKey = params.get('key') || 'da2-localemulatorkey0000000000';
  var httpHost = params.get('host') || location.host;
  var secure = location.protocol === 'https:';
  var realtimeUrl = (secure ? 'wss://' : 'ws://') + httpHost + '/event/realtime';
  var httpUrl = (secure ? 'https://' : 'http://') + httpHost + '/event';
  var statusEl = document.getElementById('status');
  var eventsEl = document.getElementById('events');
  var subsEl = document.getElementById('subs');
  var ws = null;
  var nextId = 1;
  var channels = { 'orders-all': '/default/orders/*', ticker: '/default/ticker' };

  function b64url(text) {
    var bytes = new TextEncoder().encode(text);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function auth() {
    return { host: httpHost, 'x-api-key': apiKey };
  }
  function status(text) {
    statusEl.textContent = text;
  }
  function show(text) {
    var li = document.createElement('li');
    li.textContent = text;
    eventsEl.insertBefore(li, eventsEl.firstChild);
    while (eventsEl.children.length > 100) eventsEl.removeChild(eventsEl.lastChild);
  }

  function connect() {
    status('connecting…');
    ws = new WebSocket(realtimeUrl, ['aws-appsync-event-ws', 'header-' + b64url(JSON.stringify(auth()))]);
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: 'connection_init' }));
    };
    ws.onmessage = function (e) {
      var msg = JSON.parse(e.data);
      switch (msg.type) {
        case 'connection_ack':
          status('connected');
          subsEl.textContent = '';
          Object.keys(channels).forEach(function (id) {
            ws.send(JSON.stringify({ type: 'subscribe', id: id, channel: channels[id], authorization: auth() }));
          });
          break;
        case 'subscribe_success':
          var li = document.createElement('li');
          li.textContent = channels[msg.id] + ' (' + msg.id + ')';
          subsEl.appendChild(li);
          break;
        case 'data':
          show(channels[msg.id] + ' ← ' + msg.event);
          break;
        case 'publish_success':
          show('published ' + msg.successful.length + ' event(s), ' + msg.failed.length + ' failed');
          break;
        case 'ka':
          break;
        default:
          show(msg.type + ' ' + JSON.stringify(msg.errors || ''));
      }
    };
    ws.onclose = function (e) {
      status('disconnected (' + e.code + ')');
    };
  }

  document.getElementById('publish').addEventListener('submit', function (e) {
    e.preventDefault();
    var form = e.target;
    var via = e.submitter ? e.submitter.value : 'ws';
    var order = { item: form.item.value, qty: Number(form.qty.value), at: new Date().toISOString() };
    var channel = form.channel.value;
    if (via === 'http') {
      fetch(httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({ channel: channel, events: [JSON.stringify(order)] }),
      })
        .then(function (r) { return r.json(); })
        .then(function (body) { show('HTTP publish: ' + JSON.stringify(body)); })
        .catch(function (err) { show('HTTP publish failed: ' + err); });
    } else if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'publish', id: 'pub-' + nextId++, channel: channel, events: [JSON.stringify(order)], authorization: auth() }));
    }
  });
  document.getElementById('bad-channel').addEventListener('click', function () {
    if (ws) ws.send(JSON.stringify({ type: 'publish', id: 'pub-' + nextId++, channel: '/default/bad channel!', events: ['{}'], authorization: auth() }));
  });
  document.getElementById('reconnect').addEventListener('click', function () {
    if (ws) ws.close(1000, 'reconnect');
    connect();
  });
  connect();
})();
