// Pairs the relays' ports and the panels' ports by the tab id the browser reports, decides
// per tab whether it records, and hands batches to the recorder. Holds only state it can
// rebuild: after a service-worker restart every relay and panel reconnects and re-announces,
// and the per-tab choices that must survive (Preserve log, the session) are kept by the
// injected store.

import type { Runtime } from 'webextension-polyfill';
import type { CaptureRecord, HttpPublish, SocketId } from '../../src/capture/records.ts';
import { shouldRecord, type CaptureSettings } from '../../src/capture/policy.ts';
import {
  CAPTURE_PORT,
  PANEL_PORT,
  type BackgroundToContent,
  type BackgroundToPanel,
  type CaptureStatus,
  type ObservedHttpPublish,
} from '../../src/messaging/contracts.ts';
import { isContentToBackground, isPanelToBackground, parseCaptureBatch } from '../../src/messaging/guards.ts';
import { createPublishDeduper } from '../../src/capture/publish-dedupe.ts';
import { createLiveFeed, type LiveFeed } from '../../src/capture/live-feed.ts';
import { createSeqGuard, type SeqGuard } from '../../src/messaging/seq-guard.ts';
import type { SocketCommand } from '../../src/messaging/contracts.ts';
import { debug } from '../../src/debug.ts';

export interface Recorder {
  /** Resolves once the records are durably stored; only then is the batch acknowledged. */
  append(
    tabId: number,
    records: readonly CaptureRecord[],
  ): Promise<{ sessionId: string; stored: number; records: readonly CaptureRecord[]; notice?: string }>;
  /** Starts a new session for the tab (a page load without "Preserve log", or "Clear"). */
  rollSession(tabId: number, reason: 'navigation' | 'clear'): Promise<void>;
}

export interface RouterDeps {
  readonly recorder: Recorder;
  /** The panel page's URL; only that page may open a panel port. */
  readonly panelUrl: string;
  readonly settings: () => CaptureSettings;
  readonly preserveLog: { get(tabId: number): Promise<boolean>; set(tabId: number, on: boolean): Promise<void> };
  readonly setTimer: (fn: () => void, ms: number) => void;
}

interface ContentLink {
  readonly port: Runtime.Port;
  nonce: string | null;
  topFrame: boolean;
  readonly seqs: SeqGuard;
}

/**
 * Provenance comes from the browser, never from the record: the frame URL of socket and
 * HTTP records is the one the browser reports for the relay's port (the frame's URL when
 * it connected), whatever the page wrote into them.
 */
function withProvenance(records: CaptureRecord[], sender: Runtime.MessageSender | undefined): CaptureRecord[] {
  const frameUrl = sender?.url;
  if (frameUrl === undefined) return records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if ((r.kind === 'ws-create' || r.kind === 'http') && r.frameUrl !== frameUrl) records[i] = { ...r, frameUrl };
  }
  return records;
}

interface TabState {
  readonly content: Set<ContentLink>;
  readonly panels: Set<Runtime.Port>;
  preserveLog: boolean;
  /** The panel chose Preserve log in this worker's lifetime; the stored value is older. */
  preserveLogSet: boolean;
  topLoad: number;
  topUrl: string | null;
  sessionId: string | null;
  stored: number;
  dropped: number;
  rejected: number;
  problem: string | null;
  notice: string | null;
  /** A retry of unacknowledged batches is scheduled after a failed write. */
  retrying: boolean;
  /** Batches are written strictly in arrival order per tab. */
  chain: Promise<void>;
  readonly dedupe: ReturnType<typeof createPublishDeduper>;
  readonly live: LiveFeed;
}

const RETRY_MS = 5_000;

// HTTP publishes seen only by DevTools' network log (made by workers) get their own stream.
const networkStream = (): SocketId => `net${Math.random().toString(36).slice(2, 10)}:http` as SocketId;

export function createRouter(deps: RouterDeps) {
  const { recorder } = deps;
  const tabs = new Map<number, TabState>();
  const netStream = networkStream();
  let netSeq = 0;

  function tab(tabId: number): TabState {
    let state = tabs.get(tabId);
    if (!state) {
      const fresh: TabState = {
        content: new Set(),
        panels: new Set(),
        preserveLog: false,
        preserveLogSet: false,
        topLoad: 0,
        topUrl: null,
        sessionId: null,
        stored: 0,
        dropped: 0,
        rejected: 0,
        problem: null,
        notice: null,
        retrying: false,
        chain: Promise.resolve(),
        dedupe: createPublishDeduper(),
        live: createLiveFeed(
          (sessionId, records, skipped) => {
            if (fresh.panels.size === 0) return;
            toPanels(fresh, { type: 'recordsCaptured', sessionId, records, skipped });
            toPanels(fresh, status(tabId, fresh));
          },
          deps.setTimer,
        ),
      };
      state = fresh;
      tabs.set(tabId, fresh);
      // Preserve log survives a worker restart; read it before anything is written.
      enqueue(tabId, fresh, async () => {
        const stored = await deps.preserveLog.get(tabId);
        if (!fresh.preserveLogSet) fresh.preserveLog = stored;
      });
    }
    return state;
  }

  function recording(state: TabState): boolean {
    return shouldRecord(state.panels.size > 0, state.topUrl, deps.settings());
  }

  function status(tabId: number, state: TabState): CaptureStatus {
    return {
      type: 'captureStatus',
      tabId,
      recording: recording(state),
      preserveLog: state.preserveLog,
      sessionId: state.sessionId,
      stored: state.stored,
      dropped: state.dropped,
      rejected: state.rejected,
      problem: state.problem,
      notice: state.notice,
    };
  }

  function toPanels(state: TabState, message: BackgroundToPanel): void {
    for (const panel of state.panels) panel.postMessage(message);
  }

  function recordingMessage(state: TabState): BackgroundToContent {
    return { type: 'recordingChanged', recording: recording(state), captureAll: deps.settings().captureAll };
  }

  function announceRecording(tabId: number, state: TabState): void {
    const message = recordingMessage(state);
    for (const link of state.content) link.port.postMessage(message);
    toPanels(state, status(tabId, state));
  }

  function enqueue(tabId: number, state: TabState, job: () => Promise<void>): void {
    state.chain = state.chain.then(job).catch((error: unknown) => {
      state.problem = error instanceof Error ? error.message : String(error);
      debug('router', 'write failed', tabId, error);
      toPanels(state, status(tabId, state));
      // The failed batches were not acknowledged and are still in the pages; ask for them
      // again a little later (storage may have been freed meanwhile).
      if (!state.retrying) {
        state.retrying = true;
        deps.setTimer(() => {
          state.retrying = false;
          for (const link of state.content) link.port.postMessage({ type: 'resendRequested' } satisfies BackgroundToContent);
        }, RETRY_MS);
      }
    });
  }

  function store(tabId: number, state: TabState, records: readonly CaptureRecord[], after?: () => void): void {
    enqueue(tabId, state, async () => {
      if (records.length > 0) {
        const result = await recorder.append(tabId, records);
        state.sessionId = result.sessionId;
        state.stored = result.stored;
        state.problem = null;
        if (result.notice) state.notice = result.notice;
        // The panel gets the records as stored: redacted unless the session keeps secrets.
        state.live.push(result.sessionId, result.records);
      }
      // Acknowledge only after the commit: an unacknowledged batch is sent again.
      after?.();
      state.live.schedule();
    });
  }

  function onContentPort(port: Runtime.Port): void {
    const tabId = port.sender?.tab?.id;
    if (typeof tabId !== 'number' || tabId < 0) {
      port.disconnect();
      return;
    }
    const state = tab(tabId);
    const link: ContentLink = { port, nonce: null, topFrame: false, seqs: createSeqGuard() };
    state.content.add(link);
    port.onDisconnect.addListener(() => state.content.delete(link));
    port.onMessage.addListener((message: unknown) => {
      if (!isContentToBackground(message)) {
        state.rejected++;
        return;
      }
      switch (message.type) {
        case 'contentConnected': {
          // A frame's nonce is fixed once; a second hello cannot move it to other sockets.
          link.nonce ??= message.nonce;
          link.topFrame = message.topFrame && port.sender?.frameId === 0;
          if (link.topFrame) {
            state.topUrl = port.sender?.url ?? message.frameUrl;
            if (message.timeOrigin !== state.topLoad) {
              const first = state.topLoad === 0;
              state.topLoad = message.timeOrigin;
              // A new page load starts a new session unless the user preserves the log.
              if (!first) enqueue(tabId, state, () => (state.preserveLog ? Promise.resolve() : recorder.rollSession(tabId, 'navigation')));
            }
          }
          port.postMessage(recordingMessage(state));
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
          link.seqs.dropped(message.dropped);
          const admitted = link.seqs.admit(parsed.records);
          state.rejected += parsed.rejected + admitted.refused;
          state.dropped += message.dropped;
          const records = withProvenance(admitted.records, port.sender);
          for (const r of records) if (r.kind === 'http') state.dedupe.sawFromPage(r);
          const batchId = message.batchId;
          store(tabId, state, records, () => port.postMessage({ type: 'batchAcknowledged', batchId }));
          break;
        }
        case 'commandCompleted':
          // The answer to a panel's socket command; the panel matches it by commandId.
          toPanels(state, message);
          break;
      }
    });
  }

  function onNetworkPublish(tabId: number, state: TabState, observed: ObservedHttpPublish): void {
    // The page's own fetch/XHR publishes are captured by the hook with more detail; give
    // them time to arrive and keep only what the hook never saw (workers' requests).
    state.dedupe.sawFromNetwork(observed);
    deps.setTimer(() => {
      if (!state.dedupe.takeIfUnmatched(observed)) return;
      if (!recording(state)) return;
      const record: HttpPublish = { kind: 'http', socketId: netStream, seq: netSeq++, t: observed.startedAt, ...observed, via: 'network' };
      store(tabId, state, [record]);
    }, 1500);
  }

  function onPanelPort(port: Runtime.Port, tabId: number): void {
    const state = tab(tabId);
    state.panels.add(port);
    announceRecording(tabId, state);
    port.onDisconnect.addListener(() => {
      state.panels.delete(port);
      announceRecording(tabId, state);
    });
    port.onMessage.addListener((message: unknown) => {
      if (!isPanelToBackground(message)) return;
      switch (message.type) {
        case 'setPreserveLog':
          state.preserveLog = message.preserve;
          state.preserveLogSet = true;
          void deps.preserveLog.set(tabId, message.preserve);
          toPanels(state, status(tabId, state));
          break;
        case 'clearSession':
          state.stored = 0;
          state.dropped = 0;
          state.rejected = 0;
          enqueue(tabId, state, async () => {
            await recorder.rollSession(tabId, 'clear');
            state.sessionId = null;
            toPanels(state, status(tabId, state));
          });
          break;
        case 'httpPublishObserved':
          onNetworkPublish(tabId, state, message.publish);
          break;
        case 'injectIncoming':
        case 'sendOnSocket':
          routeSocketCommand(state, port, message);
          break;
      }
    });
  }

  /**
   * A panel's command goes to the frame whose hook owns the socket (by nonce). The hook
   * answers a command that has a commandId; when no frame owns the socket, the background
   * answers for it, so the panel always hears back.
   */
  function routeSocketCommand(state: TabState, panel: Runtime.Port, message: SocketCommand): void {
    let delivered = false;
    for (const link of state.content) {
      if (link.nonce !== null && message.socketId.startsWith(link.nonce + ':')) {
        link.port.postMessage(message);
        delivered = true;
      }
    }
    if (!delivered && message.commandId !== undefined) {
      panel.postMessage({
        type: 'commandCompleted',
        commandId: message.commandId,
        ok: false,
        error: 'no page in this tab owns that socket (reloaded or closed)',
      } satisfies BackgroundToPanel);
    }
  }

  return {
    onConnect(port: Runtime.Port): void {
      if (port.name === CAPTURE_PORT) return onContentPort(port);
      const tabId = Number(port.name.slice(PANEL_PORT.length + 1));
      // Content scripts can name a port anything; the sender's URL is set by the browser.
      const fromPanel = port.sender?.url?.startsWith(deps.panelUrl) === true;
      if (fromPanel && port.name.startsWith(PANEL_PORT + ':') && Number.isSafeInteger(tabId) && tabId >= 0) return onPanelPort(port, tabId);
      port.disconnect();
    },
    /** Settings changed: tell every tab whether it records now. */
    onSettingsChanged(): void {
      for (const [tabId, state] of tabs) announceRecording(tabId, state);
    },
    onTabRemoved(tabId: number): void {
      const state = tabs.get(tabId);
      tabs.delete(tabId);
      if (state) enqueue(tabId, state, () => recorder.rollSession(tabId, 'navigation'));
    },
  };
}
