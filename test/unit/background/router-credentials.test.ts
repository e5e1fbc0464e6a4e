// "Use this page's endpoint": the router hands a panel the un-redacted auth its tab's page
// used, from memory, and only for that tab.
import { expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { createRouter } from '../../../extension/background/router.ts';
import { DEFAULT_SETTINGS } from '../../../src/recording/policy.ts';
import { encodeAuthSubprotocol } from '../../../src/protocol/index.ts';

function port(name: string, sender: Runtime.MessageSender) {
  const on: Array<(m: unknown) => void> = [];
  const sent: unknown[] = [];
  const p = { name, sender, postMessage: (m: unknown) => sent.push(m), disconnect() {}, onMessage: { addListener: (f: (m: unknown) => void) => on.push(f) }, onDisconnect: { addListener() {} } };
  return { port: p as unknown as Runtime.Port, sent, deliver: (m: unknown) => on.forEach((f) => f(m)) };
}

test('lists the page credentials of the panel tab only', async () => {
  const router = createRouter({
    recorder: { append: async (_t, records) => ({ sessionId: 's', stored: records.length, records }), rollSession: async () => {} },
    panelUrl: 'ext://panel.html',
    settings: () => DEFAULT_SETTINGS,
    preserveLog: { get: async () => false, set: async () => {} },
    setTimer: () => {},
  });
  const panel = port('appsync-panel:3', { url: 'ext://panel.html' });
  const other = port('appsync-panel:4', { url: 'ext://panel.html' });
  router.onConnect(panel.port);
  router.onConnect(other.port);
  const content = port('appsync-capture', { tab: { id: 3 } as Runtime.MessageSender['tab'], frameId: 0, url: 'https://app/' });
  router.onConnect(content.port);
  content.deliver({ type: 'contentConnected', version: 1, nonce: 'n1', frameUrl: 'https://app/', topFrame: true, timeOrigin: 1 });
  const create = { kind: 'ws-create', socketId: 'n1:1', seq: 0, t: 1, url: 'ws://127.0.0.1:1/event/realtime', protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: '127.0.0.1:1', 'x-api-key': 'da2-live' })], frameUrl: 'https://app/', appsync: true };
  content.deliver({ type: 'framesCaptured', batchId: 1, dropped: 0, payload: JSON.stringify([create]) });
  panel.deliver({ type: 'listPageCredentials' });
  other.deliver({ type: 'listPageCredentials' });
  const mine = panel.sent.find((m) => (m as { type: string }).type === 'pageCredentialsListed') as { credentials: Array<{ headers: Record<string, string> }> };
  expect(mine.credentials.map((c) => c.headers['x-api-key'])).toEqual(['da2-live']);
  const theirs = other.sent.find((m) => (m as { type: string }).type === 'pageCredentialsListed') as { credentials: unknown[] };
  expect(theirs.credentials).toEqual([]);
});
