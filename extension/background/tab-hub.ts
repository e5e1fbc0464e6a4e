// The per-tab state the router keeps and the operations every port handler shares: status
// for panels, the recording decision, and the write chain that acknowledges only after the
// commit. Holds only what a restarted worker can rebuild (the ports re-announce themselves;
// Preserve log and the session are kept by the injected stores).

import type { SeqGuard } from '../../src/messaging/seq-guard.ts';
import { createPageCredentials } from '../../src/recording/page-credentials.ts';
import type { Runtime } from 'webextension-polyfill';
import type { CaptureRecord, SocketId } from '../../src/capture/records.ts';
import type { BackgroundToContent, BackgroundToPanel, CaptureStatus, LiveRecordsWanted } from '../../src/messaging/contracts.ts';
import { shouldRecord, type CaptureSettings } from '../../src/recording/policy.ts';
import { createPublishDeduper } from '../../src/recording/publish-dedupe.ts';
import { createSocketSightings, type SocketSightings } from '../../src/recording/socket-sightings.ts';
import { createLiveFeed, sliceFor, type LiveFeed } from '../../src/recording/live-feed.ts';
import type { TabRecorder } from '../../src/recording/tab-recorder.ts';
import { debug } from '../../src/debug.ts';
import { createStopLog, isLifecycle, type StopLog } from './recording-control.ts';
import { syncWorkerCapture, type DebuggerApi, type WorkerCapture } from './worker-debugger.ts';

export interface RouterDeps {
  readonly recorder: TabRecorder;
  /** The panel page's URL; only that page may open a panel port. */
  readonly panelUrl: string;
  readonly settings: () => CaptureSettings;
  readonly preserveLog: { get(tabId: number): Promise<boolean>; set(tabId: number, on: boolean): Promise<void> };
  /** Record/Stop per tab, kept like Preserve log (a restarted worker stays stopped). */
  readonly recordingPaused?: { get(tabId: number): Promise<boolean>; set(tabId: number, on: boolean): Promise<void> };
  readonly setTimer: (fn: () => void, ms: number) => void;
  /** Wall clock for the stopped spans (tests pass a fake one). */
  readonly now?: () => number;
  /** Chromium's debugger, for worker sockets (worker-debugger.ts); null without the permission. */
  readonly debuggerApi?: () => DebuggerApi | null;
}

/** One frame's relay port. */
export interface ContentLink {
  readonly port: Runtime.Port;
  /** The hook's socket-id prefix, fixed by the frame's first hello. */
  nonce: string | null;
  topFrame: boolean;
  /** Per-socket sequence check: a forged jump cannot hide later real records. */
  readonly seqs: SeqGuard;
  /** Batches of this link waiting for the session's committed seqs (seq-guard.ts), in order. */
  deferred: number;
}

interface PendingStore {
  // The batches as they arrived, joined only when more than one waits: most writes hold a
  // single batch, which is then stored without a copy.
  readonly parts: (readonly CaptureRecord[])[];
  count: number;
  readonly after: (() => void)[];
}

/**
 * Batches that arrive while a write runs are stored together in the next one, up to this
 * many records. Chromium's hook sends batches of at most 200 frames (limits.ts); one
 * transaction each at 10,000 frames/s kept the worker behind (page → panel p50 1.6 s
 * against 0.56 s with batches of 1,000, bench capture-delivery 2026-12-05).
 */
const MERGE_RECORDS = 2_000;

export interface TabState {
  readonly tabId: number;
  readonly content: Set<ContentLink>;
  readonly panels: Set<Runtime.Port>;
  /** What each panel port asked the live feed for (absent: every record). */
  readonly liveWanted: WeakMap<Runtime.Port, LiveRecordsWanted['records']>;
  preserveLog: boolean;
  /** The panel chose Preserve log in this worker's lifetime; the stored value is older. */
  preserveLogSet: boolean;
  /** The user stopped recording (Record/Stop): batches are acknowledged, not stored. */
  paused: boolean;
  pausedSet: boolean;
  /** Records not stored because of `paused`, since the current session started. */
  discarded: number;
  /** When recording was stopped in the current session. */
  readonly stops: StopLog;
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
  /** The write at the chain's tail that has not started yet: later batches join it. */
  openStore: PendingStore | null;
  readonly dedupe: ReturnType<typeof createPublishDeduper>;
  /** Captured sockets, to tell the handshakes the hook could not see from those it did. */
  readonly sockets: SocketSightings;
  /** When a frame of the tab was last told to record: its hook then sends what it held. */
  recordingToldAt: number;
  readonly live: LiveFeed;
  /** The user opted in to the tab's worker traffic through the debugger (until Stop). */
  workerCaptureWanted: boolean;
  /** The debugger is attached for it: while wanted and the tab records. */
  workerCapture: WorkerCapture | null;
  /** Why worker capture is not running (refused, detached), for the panel. */
  workerCaptureProblem: string | null;
}

export type TabHub = ReturnType<typeof createTabHub>;

/** After a failed write, the pages are asked to resend this much later. */
const RETRY_MS = 5_000;

export function createTabHub(deps: RouterDeps) {
  const tabs = new Map<number, TabState>();
  // Publishes from the network log have no socket: one stream per worker lifetime, with
  // its own sequence, keys them.
  const netStream = `net${Math.random().toString(36).slice(2, 10)}:http` as SocketId;
  let netSeq = 0;
  // The page's own credentials, in memory only, for the console's "Use this page's endpoint".
  const credentials = createPageCredentials();
  const networkKey = () => ({ socketId: netStream, seq: netSeq++ });
  const now = deps.now ?? Date.now;

  /** Whether the pages of the tab send their records (stopped or not: see `recording`). */
  function capturing(state: TabState): boolean {
    return shouldRecord(state.panels.size > 0, state.topUrl, deps.settings());
  }

  /** Whether records of the tab are stored now. */
  function recording(state: TabState): boolean {
    return !state.paused && capturing(state);
  }

  function status(state: TabState): CaptureStatus {
    return {
      type: 'captureStatus',
      tabId: state.tabId,
      recording: recording(state),
      preserveLog: state.preserveLog,
      sessionId: state.sessionId,
      stored: state.stored,
      dropped: state.dropped,
      rejected: state.rejected,
      problem: state.problem,
      notice: state.notice,
      paused: state.paused,
      discarded: state.discarded,
      stoppedSpans: state.stops.spans(),
      workerCapture: state.workerCapture !== null,
      workerCaptureProblem: state.workerCaptureProblem,
    };
  }

  function toPanels(state: TabState, message: BackgroundToPanel): void {
    for (const panel of state.panels) panel.postMessage(message);
  }

  function toFrames(state: TabState, message: BackgroundToContent, only?: (link: ContentLink) => boolean): void {
    for (const link of state.content) if (!only || only(link)) link.port.postMessage(message);
  }

  function recordingMessage(state: TabState): Extract<BackgroundToContent, { type: 'recordingChanged' }> {
    // While stopped the pages keep sending and the batches are acknowledged unstored: a hook
    // told to stop would hold them and send them all on resume, storing the pause after all.
    return { type: 'recordingChanged', recording: capturing(state), captureAll: deps.settings().captureAll };
  }

  /** Tells the tab's frames, or one that just connected, whether they record. */
  function tellRecording(state: TabState, only?: ContentLink): void {
    const message = recordingMessage(state);
    if (message.recording) state.recordingToldAt = now();
    if (only) only.port.postMessage(message);
    else toFrames(state, message);
  }

  function announceRecording(state: TabState): void {
    tellRecording(state);
    syncWorkerCapture(hub, state);
    toPanels(state, status(state));
  }

  function enqueue(state: TabState, job: () => Promise<void>): void {
    // Whatever is queued after an open write must also run after the batches that join it.
    state.openStore = null;
    state.chain = state.chain.then(job).catch((error: unknown) => {
      state.problem = error instanceof Error ? error.message : String(error);
      debug('router', 'write failed', state.tabId, error);
      toPanels(state, status(state));
      // The failed batches were not acknowledged and are still in the pages; ask for them
      // again a little later (storage may have been freed meanwhile).
      if (!state.retrying) {
        state.retrying = true;
        deps.setTimer(() => {
          state.retrying = false;
          toFrames(state, { type: 'resendRequested' });
        }, RETRY_MS);
      }
    });
  }

  function store(state: TabState, records: readonly CaptureRecord[], after?: () => void): void {
    const open = state.openStore;
    if (open !== null && open.count + records.length <= MERGE_RECORDS) {
      open.parts.push(records);
      open.count += records.length;
      if (after) open.after.push(after);
      return;
    }
    const pending: PendingStore = { parts: [records], count: records.length, after: after ? [after] : [] };
    // One append at a time per tab, in arrival order; a failed one is acknowledged to none
    // of its batches, so all of them are sent again.
    enqueue(state, async () => {
      if (state.openStore === pending) state.openStore = null;
      // Decided when the write's turn comes, so batches queued before a Stop are stored and
      // those after it are not, in arrival order. Stopped, the recorder still takes the
      // records it does not store as handled (their seqs): a socket's next frames after
      // Record are then neither counted as lost nor, after a worker restart, refused as
      // implausibly far ahead of what the session holds.
      const stopped = state.paused;
      if (pending.count > 0) {
        const records = pending.parts.length === 1 ? pending.parts[0]! : pending.parts.flat();
        const result = await deps.recorder.append(state.tabId, records, stopped ? isLifecycle : undefined);
        state.sessionId = result.sessionId;
        state.stored = result.stored;
        state.problem = null;
        if (result.notice) state.notice = result.notice;
        if (result.passed) {
          state.discarded += result.passed;
          state.stops.discard(result.passed);
        }
        // What the session holds, not what arrived: redacted once, by the recorder, and
        // without the duplicates a resend after a worker restart carries.
        state.live.push(result.sessionId, result.records, result.answers);
      }
      // Acknowledge only after the commit: an unacknowledged batch is sent again.
      for (const ack of pending.after) ack();
      state.live.schedule();
      if (stopped) toPanels(state, status(state));
    });
    state.openStore = pending;
  }

  function tab(tabId: number): TabState {
    const known = tabs.get(tabId);
    if (known) return known;
    const state: TabState = {
      tabId,
      content: new Set(),
      panels: new Set(),
      liveWanted: new WeakMap(),
      preserveLog: false,
      preserveLogSet: false,
      paused: false,
      pausedSet: false,
      discarded: 0,
      stops: createStopLog(now),
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
      openStore: null,
      dedupe: createPublishDeduper(),
      sockets: createSocketSightings(),
      recordingToldAt: 0,
      workerCaptureWanted: false,
      workerCapture: null,
      workerCaptureProblem: null,
      live: createLiveFeed(
        (update) => {
          if (state.panels.size === 0) return;
          for (const panel of state.panels) {
            const wanted = state.liveWanted.get(panel);
            const { records, skipped } = sliceFor(update, wanted);
            // For a panel that asked for answers only, the status that follows is the growth
            // signal: one message (and one render) per update instead of two.
            if (wanted === 'answers' && records.length === 0) continue;
            panel.postMessage({ type: 'recordsCaptured', sessionId: update.sessionId, records, skipped } satisfies BackgroundToPanel);
          }
          toPanels(state, status(state));
        },
        deps.setTimer,
        () => {
          for (const panel of state.panels) if (state.liveWanted.get(panel) !== 'answers') return true;
          return false;
        },
      ),
    };
    tabs.set(tabId, state);
    // Preserve log survives a worker restart; read it before anything is written.
    enqueue(state, async () => {
      const stored = await deps.preserveLog.get(tabId);
      if (!state.preserveLogSet) state.preserveLog = stored;
      const paused = (await deps.recordingPaused?.get(tabId)) ?? false;
      if (!state.pausedSet && paused !== state.paused) {
        state.paused = paused;
        // The stop began before this worker; its span starts when the worker learnt of it.
        if (paused) state.stops.stop();
        announceRecording(state);
      }
    });
    return state;
  }

  // Named so the operations above can hand the whole hub on (worker capture).
  const hub = { deps, tabs, tab, credentials, networkKey, capturing, recording, now, status, toPanels, toFrames, tellRecording, announceRecording, enqueue, store };
  return hub;
}
