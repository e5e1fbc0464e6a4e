// Typed contracts between the extension's contexts: one union per hop, discriminated by
// `type`. Events are past-tense facts, commands are imperatives.
//
//   hook (page MAIN world) ──PageToContent──▶ relay (isolated world) ──ContentToBackground──▶ background
//   hook ◀──ContentToPage── relay ◀──BackgroundToContent── background
//   background ──BackgroundToPanel──▶ panel ──PanelToBackground──▶ background
//
// Everything that starts in the page is untrusted. The hook↔relay hop runs over a private
// MessageChannel the relay created; the relay passes on only `framesCaptured` and checks its
// size, and the background validates every record (see guards.ts). Tab ids always come
// from the browser (port.sender.tab.id), never from a message.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import type { BlockMatch } from '../capture/block-rules.ts';

export const PROTOCOL_VERSION = 1;

/** Name of the runtime port the relay opens to the background. */
export const CAPTURE_PORT = 'appsync-capture';
/** Prefix of the runtime port a panel opens: `${PANEL_PORT}:${tabId}`. */
export const PANEL_PORT = 'appsync-panel';
/** Tag of the handshake data the hook's entry hands to its core (see src/capture/meeting.ts). */
export const HANDSHAKE_TAG = '__appsyncEventsDevtoolsHandshake';

// ---- hook → relay (private MessagePort) ----

export interface FramesCaptured {
  readonly type: 'framesCaptured';
  readonly batchId: number;
  /**
   * The relay's connection epoch the hook last heard of. After a reconnect the relay passes
   * on only batches of the new epoch, so the resent unacknowledged batches reach the
   * background before anything newer (its de-duplication relies on per-socket order).
   */
  readonly epoch: number;
  /** Records the hook had to drop since its previous batch (bounded buffers). */
  readonly dropped: number;
  /**
   * The batch's records as one text, built once on the page so each hop only moves a string:
   * the compact text of src/capture/batch-encoding.ts (starts with BATCH_FORMAT), or a JSON
   * array of CaptureRecord (still accepted).
   */
  readonly payload: string;
}
export interface HookReady {
  readonly type: 'hookReady';
  readonly version: number;
  readonly nonce: string;
}
/**
 * The hook's answer to an `injectIncoming`/`sendOnSocket` that carried a `commandId`: `ok`
 * false with a short reason when nothing was delivered (unknown or closed socket, socket
 * not open, the native refused the data). Travels hook → relay → background → panel
 * unchanged in shape; the background only routes it to the panels of the tab it came from.
 */
export interface CommandCompleted {
  readonly type: 'commandCompleted';
  readonly commandId: number;
  readonly ok: boolean;
  readonly error?: string;
}
export type PageToContent = FramesCaptured | HookReady | CommandCompleted;

// ---- relay → hook ----

export type ContentToPage =
  | { readonly type: 'batchAcknowledged'; readonly batchId: number }
  | { readonly type: 'recordingChanged'; readonly recording: boolean; readonly captureAll: boolean }
  | { readonly type: 'resendUnacknowledged'; readonly epoch: number }
  | { readonly type: 'settingsChanged'; readonly captureAll: boolean }
  /** The block rules that are on (src/capture/block-rules.ts); an empty list blocks nothing. */
  | { readonly type: 'blockRulesChanged'; readonly rules: readonly BlockMatch[] }
  | SocketCommand;

/**
 * A command on one of the page's sockets. With a `commandId` (a number the panel chooses)
 * the hook answers with CommandCompleted; without one nothing is answered.
 */
export type SocketCommand =
  | { readonly type: 'injectIncoming'; readonly socketId: SocketId; readonly data: string; readonly commandId?: number }
  | { readonly type: 'sendOnSocket'; readonly socketId: SocketId; readonly data: string; readonly commandId?: number };

// ---- relay → background (runtime port) ----

export interface ContentHello {
  readonly type: 'contentConnected';
  readonly version: number;
  readonly nonce: string;
  readonly frameUrl: string;
  readonly topFrame: boolean;
  /** performance.timeOrigin of the frame: identifies the page load for "new session per load". */
  readonly timeOrigin: number;
}
export interface BatchForwarded {
  readonly type: 'framesCaptured';
  readonly batchId: number;
  readonly dropped: number;
  readonly payload: string;
}
export interface BatchRejected {
  readonly type: 'batchRejected';
  readonly reason: string;
}
export type ContentToBackground = ContentHello | BatchForwarded | BatchRejected | CommandCompleted;

// ---- background → relay ----

export type BackgroundToContent =
  | { readonly type: 'batchAcknowledged'; readonly batchId: number }
  /** A write failed: send every unacknowledged batch again. */
  | { readonly type: 'resendRequested' }
  | { readonly type: 'recordingChanged'; readonly recording: boolean; readonly captureAll: boolean }
  | SocketCommand;

// ---- background ↔ panel ----

export interface LiveRecords {
  readonly type: 'recordsCaptured';
  readonly sessionId: string;
  readonly records: readonly CaptureRecord[];
  /**
   * Records stored since the previous message but not sent, because more arrived than a
   * person can read live; they are in the session and counted here.
   */
  readonly skipped: number;
}
export interface CaptureStatus {
  readonly type: 'captureStatus';
  readonly tabId: number;
  readonly recording: boolean;
  readonly preserveLog: boolean;
  readonly sessionId: string | null;
  /** Records stored for the current session. */
  readonly stored: number;
  /** Records the page dropped before they reached us (bounded buffers), with the reason. */
  readonly dropped: number;
  /** Records or batches the background refused (malformed data from the page). */
  readonly rejected: number;
  readonly problem: string | null;
  /** Something the user should know that is not a failure (e.g. old sessions evicted). */
  readonly notice: string | null;
  /**
   * The user stopped recording this tab (Record/Stop): batches are acknowledged and not
   * stored. `recording` is then false. Absent from a background older than the button.
   */
  readonly paused?: boolean;
  /** Records the page sent while recording was stopped, not stored (for the current session). */
  readonly discarded?: number;
  /**
   * When recording was stopped in the current session, oldest first (at most 20; older ones
   * merged into the first). The last one is open (`to: null`) while stopped. Kept in the
   * background's memory only: a restarted worker knows a stop in progress, not earlier ones.
   */
  readonly stoppedSpans?: readonly StoppedSpan[];
  /**
   * The tab's worker sockets are captured through Chromium's debugger (the user opted in,
   * `setWorkerCapture`). Absent from a background older than the option.
   */
  readonly workerCapture?: boolean;
  /** Why worker capture is not running when it was asked for (refused, detached), or null. */
  readonly workerCaptureProblem?: string | null;
}
/** How many stopped spans a status lists at most. */
export const MAX_STOPPED_SPANS = 20;
/** A span of wall-clock time (ms) during which a tab's frames were not stored. */
export interface StoppedSpan {
  readonly from: number;
  readonly to: number | null;
  /** Records not stored in the span (lifecycle facts of sockets are stored: they are not counted). */
  readonly discarded: number;
}
/**
 * The last un-redacted auth seen on one of the tab's connections, held in the background's
 * memory only (never stored), for the console's "Use this page's endpoint".
 */
export interface PageCredential {
  /** socketId of a WebSocket, or `http <url>` for HTTP publishes. */
  readonly connection: string;
  readonly kind: 'websocket' | 'http';
  readonly url: string;
  readonly frameUrl: string;
  /** Auth keys only (host, x-api-key, authorization, x-amz-date, x-amz-security-token), as sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly seenAt: number;
  readonly open: boolean;
}
export interface PageCredentialsListed {
  readonly type: 'pageCredentialsListed';
  readonly credentials: readonly PageCredential[];
}
export type BackgroundToPanel = LiveRecords | CaptureStatus | PageCredentialsListed | CommandCompleted;

/** An HTTP publish seen in DevTools' network log (covers requests the hook cannot see). */
export interface ObservedHttpPublish {
  readonly url: string;
  readonly method: string;
  readonly frameUrl: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string;
  readonly status: number;
  /** Kept response headers (src/protocol/http-headers.ts), lower-cased keys. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  readonly responseBody: string;
  readonly startedAt: number;
  readonly duration: number;
}

/**
 * Which records the port wants in `recordsCaptured` (sent on every (re)connection).
 * `answers`: only received frames that may answer a publish (publish_success,
 * publish_error, error), for a panel that reads the session itself and watches for the
 * answers to what it published on the page's socket; such a port gets `recordsCaptured`
 * only when there are answers, at most four times a second, and the `captureStatus` that
 * follows every update (with `stored`) is its signal that the session grew. `all`: every
 * record (up to 500 per update, ten updates a second); what a port that never sends this
 * gets.
 */
export interface LiveRecordsWanted {
  readonly type: 'setLiveRecords';
  readonly records: 'all' | 'answers';
}

export type PanelToBackground =
  | LiveRecordsWanted
  | { readonly type: 'setPreserveLog'; readonly preserve: boolean }
  | { readonly type: 'httpPublishObserved'; readonly publish: ObservedHttpPublish }
  | { readonly type: 'clearSession' }
  /**
   * Record/Stop. `tabId` names the tab the panel believes it inspects; the background acts
   * on its port's tab only and ignores a command naming another one.
   */
  | { readonly type: 'setRecording'; readonly tabId: number; readonly on: boolean }
  | { readonly type: 'injectIncoming'; readonly socketId: SocketId; readonly data: string }
  | { readonly type: 'sendOnSocket'; readonly socketId: SocketId; readonly data: string }
  /** Answered with pageCredentialsListed for the panel's tab. */
  | { readonly type: 'listPageCredentials' }
  /** Capture the tab's worker sockets through Chromium's debugger, or stop (worker-debugger.ts). */
  | { readonly type: 'setWorkerCapture'; readonly on: boolean };

/** The largest batch text the relay passes on (Chrome caps extension messages at 64 MiB). */
export const MAX_BATCH_CHARS = 48 * 1024 * 1024;

/** How a `payload` in the hook's compact batch text starts (src/capture/batch-encoding.ts). */
export const BATCH_FORMAT = 'B1|';

/**
 * Dispatched on the panel's window by the DevTools page when DevTools shows (`detail` true)
 * or hides it. Both are extension pages; no web page can reach either window.
 */
export const PANEL_VISIBILITY_EVENT = 'appsync-devtools-panel-visibility';
