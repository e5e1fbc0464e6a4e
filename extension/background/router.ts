// Pairs the relays' ports and the panels' ports by the tab id the browser reports, decides
// per tab whether it records, and hands batches to the recorder. Holds only state it can
// rebuild: after a service-worker restart every relay and panel reconnects and re-announces.

import type { Runtime } from 'webextension-polyfill';
import type { CaptureRecord } from '../../src/capture/records.ts';
import {
  CAPTURE_PORT,
  PANEL_PORT,
  type BackgroundToContent,
  type BackgroundToPanel,
  type CaptureStatus,
} from '../../src/messaging/contracts.ts';
import { isContentToBackground, isPanelToBackground, parseCaptureBatch } from '../../src/messaging/guards.ts';
import { debug } from '../../src/debug.ts';

export interface Recorder {
  /** Resolves once the records are durably stored; only then is the batch acknowledged. */
  append(tabId: number, records: readonly CaptureRecord[]): Promise<{ sessionId: string; stored: number; records: readonly CaptureRecord[] }>;
  /** Starts a new session for the tab (a page load without "Preserve log", or "Clear"). */
  rollSession(tabId: number, reason: 'navigation' | 'clear'): Promise<void>;
}

interface ContentLink {
  readonly port: Runtime.Port;
  nonce: string | null;
  topFrame: boolean;
  timeOrigin: number;
}

interface TabState {
  readonly content: Set<ContentLink>;
  readonly panels: Set<Runtime.Port>;
  preserveLog: boolean;
  topLoad: number;
  sessionId: string | null;
  stored: number;
  dropped: number;
  rejected: number;
  problem: string | null;
  /** Batches are written strictly in arrival order per tab. */
  chain: Promise<void>;
}

/** `panelUrl`: the panel page's URL; only that page may open a panel port. */
export function createRouter(recorder: Recorder, panelUrl: string) {
  const tabs = new Map<number, TabState>();

  function tab(tabId: number): TabState {
    let state = tabs.get(tabId);
    if (!state) {
      state = {
        content: new Set(),
        panels: new Set(),
        preserveLog: false,
        topLoad: 0,
        sessionId: null,
        stored: 0,
        dropped: 0,
        rejected: 0,
        problem: null,
        chain: Promise.resolve(),
      };
      tabs.set(tabId, state);
    }
    return state;
  }

  function recording(state: TabState): boolean {
    return state.panels.size > 0;
  }

  function status(tabId: number, state: TabState): CaptureStatus {
    return {
      type: 'captureStatus',
      tabId,
      recording: recording(state),
      sessionId: state.sessionId,
      stored: state.stored,
      dropped: state.dropped,
      rejected: state.rejected,
      problem: state.problem,
    };
  }

  function toPanels(state: TabState, message: BackgroundToPanel): void {
    for (const panel of state.panels) panel.postMessage(message);
  }

  function toContent(link: ContentLink, message: BackgroundToContent): void {
    link.port.postMessage(message);
  }

  function announceRecording(state: TabState): void {
    const message: BackgroundToContent = { type: 'recordingChanged', recording: recording(state), captureAll: false };
    for (const link of state.content) toContent(link, message);
  }

  function onContentPort(port: Runtime.Port): void {
    const tabId = port.sender?.tab?.id;
    if (typeof tabId !== 'number' || tabId < 0) {
      port.disconnect();
      return;
    }
    const state = tab(tabId);
    const link: ContentLink = { port, nonce: null, topFrame: false, timeOrigin: 0 };
    state.content.add(link);
    port.onDisconnect.addListener(() => state.content.delete(link));
    port.onMessage.addListener((message: unknown) => {
      if (!isContentToBackground(message)) {
        state.rejected++;
        return;
      }
      switch (message.type) {
        case 'contentConnected': {
          link.nonce = message.nonce;
          link.topFrame = message.topFrame && port.sender?.frameId === 0;
          link.timeOrigin = message.timeOrigin;
          if (link.topFrame && message.timeOrigin !== state.topLoad) {
            const first = state.topLoad === 0;
            state.topLoad = message.timeOrigin;
            if (!first && !state.preserveLog) enqueue(tabId, state, () => recorder.rollSession(tabId, 'navigation'));
          }
          toContent(link, { type: 'recordingChanged', recording: recording(state), captureAll: false });
          break;
        }
        case 'batchRejected':
          state.rejected++;
          break;
        case 'framesCaptured': {
          if (link.nonce === null) {
            state.rejected++;
            break;
          }
          const parsed = parseCaptureBatch(message.payload, link.nonce);
          state.rejected += parsed.rejected;
          state.dropped += message.dropped;
          const batchId = message.batchId;
          enqueue(tabId, state, async () => {
            if (parsed.records.length > 0) {
              const result = await recorder.append(tabId, parsed.records);
              state.sessionId = result.sessionId;
              state.stored = result.stored;
              // The panel gets the records as stored: redacted unless the session keeps secrets.
              toPanels(state, { type: 'recordsCaptured', sessionId: result.sessionId, records: result.records });
            }
            // Acknowledge only after the commit: an unacknowledged batch is sent again.
            toContent(link, { type: 'batchAcknowledged', batchId });
            toPanels(state, status(tabId, state));
          });
          break;
        }
      }
    });
  }

  function enqueue(tabId: number, state: TabState, job: () => Promise<void>): void {
    state.chain = state.chain.then(job).catch((error: unknown) => {
      state.problem = error instanceof Error ? error.message : String(error);
      debug('router', 'write failed', tabId, error);
      toPanels(state, status(tabId, state));
    });
  }

  function onPanelPort(port: Runtime.Port, tabId: number): void {
    const state = tab(tabId);
    state.panels.add(port);
    announceRecording(state);
    port.postMessage(status(tabId, state));
    port.onDisconnect.addListener(() => {
      state.panels.delete(port);
      announceRecording(state);
    });
    port.onMessage.addListener((message: unknown) => {
      if (!isPanelToBackground(message)) return;
      switch (message.type) {
        case 'setPreserveLog':
          state.preserveLog = message.preserve;
          break;
        case 'clearSession':
          state.stored = 0;
          enqueue(tabId, state, () => recorder.rollSession(tabId, 'clear'));
          break;
        case 'setRecording':
          break;
        case 'injectIncoming':
        case 'sendOnSocket':
          for (const link of state.content) {
            if (link.nonce !== null && message.socketId.startsWith(link.nonce + ':')) toContent(link, message);
          }
          break;
      }
    });
  }

  return {
    onConnect(port: Runtime.Port): void {
      if (port.name === CAPTURE_PORT) return onContentPort(port);
      const tabId = Number(port.name.slice(PANEL_PORT.length + 1));
      // Content scripts can name a port anything; the sender's URL is set by the browser.
      const fromPanel = port.sender?.url?.startsWith(panelUrl) === true;
      if (fromPanel && port.name.startsWith(PANEL_PORT + ':') && Number.isSafeInteger(tabId) && tabId >= 0) return onPanelPort(port, tabId);
      port.disconnect();
    },
    onTabRemoved(tabId: number): void {
      tabs.delete(tabId);
    },
  };
}
