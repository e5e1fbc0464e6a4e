// In-memory ports and a router over a fake recorder, for the background's contract tests.
import type { Runtime } from 'webextension-polyfill';
import { createRouter, type RouterDeps } from '../../../extension/background/router.ts';
import type { TabRecorder } from '../../../src/recording/tab-recorder.ts';
import { DEFAULT_SETTINGS } from '../../../src/recording/policy.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

type Listener = (m: unknown) => void;

export function fakePort(name: string, sender: Runtime.MessageSender) {
  const onMessage: Listener[] = [];
  const onDisconnect: Array<() => void> = [];
  const sent: unknown[] = [];
  const port = {
    name,
    sender,
    postMessage: (m: unknown) => sent.push(m),
    disconnect: () => onDisconnect.forEach((f) => f()),
    onMessage: { addListener: (f: Listener) => onMessage.push(f) },
    onDisconnect: { addListener: (f: () => void) => onDisconnect.push(f) },
  };
  return { port: port as unknown as Runtime.Port, sent, deliver: (m: unknown) => onMessage.forEach((f) => f(m)), close: () => onDisconnect.forEach((f) => f()) };
}

export const PANEL_URL = 'chrome-extension://id/extension/panel/panel.html';
export const rec = (nonce: string, seq: number): CaptureRecord => ({ kind: 'ws-receive', socketId: `${nonce}:1` as SocketId, seq, t: seq, data: '{"type":"ka"}', size: 13 });

export function setup(recorder: Partial<TabRecorder> = {}, deps: Partial<RouterDeps> = {}) {
  const stored: Array<{ tabId: number; records: readonly CaptureRecord[] }> = [];
  const timers: Array<{ fn: () => void; at: number }> = [];
  // A fake clock that only the timers move: firing them sets it to the latest one's time.
  const clock = { t: Date.now() };
  const full: TabRecorder = {
    async append(tabId, all, keep) {
      const records = keep ? all.filter(keep) : all;
      if (records.length > 0) stored.push({ tabId, records });
      return { sessionId: `s${tabId}`, stored: stored.reduce((n, b) => n + b.records.length, 0), records, passed: all.length - records.length };
    },
    async rollSession() {},
    ...recorder,
  };
  const router = createRouter({
    recorder: full,
    panelUrl: PANEL_URL,
    settings: () => DEFAULT_SETTINGS,
    preserveLog: { get: async () => false, set: async () => {} },
    setTimer: (fn, ms) => void timers.push({ fn, at: clock.t + ms }),
    now: () => clock.t,
    ...deps,
  });
  const content = (tabId: number, nonce: string, url = 'https://app/') => {
    const p = fakePort('appsync-capture', { tab: { id: tabId } as Runtime.MessageSender['tab'], frameId: 0, url });
    router.onConnect(p.port);
    p.deliver({ type: 'contentConnected', version: 1, nonce, frameUrl: url, topFrame: true, timeOrigin: 1 });
    return p;
  };
  const panel = (tabId: number, url = PANEL_URL) => {
    const p = fakePort(`appsync-panel:${tabId}`, { url });
    router.onConnect(p.port);
    return p;
  };
  const flush = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  };
  const fireTimers = () => {
    const due = timers.splice(0);
    clock.t = Math.max(clock.t, ...due.map((d) => d.at));
    for (const d of due) d.fn();
  };
  return { router, stored, timers, clock, content, panel, flush, fireTimers };
}

export const batch = (batchId: number, records: unknown) => ({ type: 'framesCaptured', batchId, dropped: 0, payload: JSON.stringify(records) });


/** Waits (in macrotasks) until the condition holds; IndexedDB commits take several. */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const typeOf = (m: unknown): string => (m as { type: string }).type;
