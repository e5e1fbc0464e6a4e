// Runtime checks for every message that crosses a context boundary. A page can post anything
// (or tamper with the hook), so the guards accept only the exact shapes of contracts.ts and
// bound every string; nothing from the page is trusted because of where it came from.

import { CAPTURE_KINDS, type CaptureRecord } from '../capture/records.ts';
import { decodeBatch } from './batch-decoding.ts';
import { MAX_BLOCK_RULES, MAX_BLOCK_TEXT, MAX_REPLACE_TEXT } from '../capture/block-rules.ts';
import {
  BATCH_FORMAT,
  MAX_BATCH_CHARS,
  MAX_STOPPED_SPANS,
  type BackgroundToContent,
  type BackgroundToPanel,
  type CommandCompleted,
  type ContentToBackground,
  type ContentToPage,
  type PageToContent,
  type PanelToBackground,
} from './contracts.ts';

const MAX_URL = 8 * 1024;
const MAX_SHORT = 1024;
const MAX_TEXT = 64 * 1024 * 1024;
const MAX_PROTOCOLS = 64;
const MAX_HEADERS = 64;
const MAX_COMMAND_DATA = 16 * 1024 * 1024;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function str(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length <= max;
}
function num(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
function int(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

export function isPageToContent(x: unknown): x is PageToContent {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'framesCaptured':
      return int(x.batchId) && int(x.epoch) && int(x.dropped) && str(x.payload, MAX_BATCH_CHARS);
    case 'hookReady':
      return int(x.version) && str(x.nonce, MAX_SHORT);
    case 'commandCompleted':
      return isCommandCompleted(x);
    default:
      return false;
  }
}

/** The hook's answer to a socket command (see CommandCompleted). */
export function isCommandCompleted(x: unknown): x is CommandCompleted {
  return (
    isObj(x) &&
    x.type === 'commandCompleted' &&
    int(x.commandId) &&
    typeof x.ok === 'boolean' &&
    (x.error === undefined || str(x.error, MAX_SHORT))
  );
}

/** A socket command's optional id: absent, or a non-negative safe integer. */
function commandId(x: unknown): boolean {
  return x === undefined || int(x);
}

/** Commands and events both the relay and the hook accept from the hop before them. */
function isSharedCommand(x: Obj): boolean {
  switch (x.type) {
    case 'batchAcknowledged':
      return int(x.batchId);
    case 'recordingChanged':
      return typeof x.recording === 'boolean' && typeof x.captureAll === 'boolean';
    case 'injectIncoming':
    case 'sendOnSocket':
      return str(x.socketId, MAX_SHORT) && str(x.data, MAX_COMMAND_DATA) && commandId(x.commandId);
    default:
      return false;
  }
}

function isBlockMatch(r: unknown): boolean {
  return isObj(r) && (r.dir === 'send' || r.dir === 'receive' || r.dir === 'any') && str(r.type, MAX_BLOCK_TEXT) && str(r.contains, MAX_BLOCK_TEXT) && str(r.replace, MAX_REPLACE_TEXT);
}

export function isContentToPage(x: unknown): x is ContentToPage {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'resendUnacknowledged':
      return int(x.epoch);
    case 'settingsChanged':
      return typeof x.captureAll === 'boolean';
    case 'blockRulesChanged':
      return Array.isArray(x.rules) && x.rules.length <= MAX_BLOCK_RULES && x.rules.every(isBlockMatch);
    default:
      return isSharedCommand(x);
  }
}

export function isContentToBackground(x: unknown): x is ContentToBackground {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'contentConnected':
      return (
        int(x.version) &&
        str(x.nonce, MAX_SHORT) &&
        str(x.frameUrl, MAX_URL) &&
        typeof x.topFrame === 'boolean' &&
        num(x.timeOrigin)
      );
    case 'framesCaptured':
      return int(x.batchId) && int(x.dropped) && str(x.payload, MAX_BATCH_CHARS);
    case 'batchRejected':
      return str(x.reason, MAX_SHORT);
    case 'commandCompleted':
      return isCommandCompleted(x);
    default:
      return false;
  }
}

export function isBackgroundToContent(x: unknown): x is BackgroundToContent {
  if (!isObj(x)) return false;
  return x.type === 'resendRequested' || isSharedCommand(x);
}

export function isPanelToBackground(x: unknown): x is PanelToBackground {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'httpPublishObserved':
      return isObservedPublish(x.publish);
    case 'setPreserveLog':
      return typeof x.preserve === 'boolean';
    case 'setLiveRecords':
      return x.records === 'all' || x.records === 'answers';
    case 'setRecording':
      return int(x.tabId) && typeof x.on === 'boolean';
    case 'setWorkerCapture':
      return typeof x.on === 'boolean';
    case 'clearSession':
    case 'listPageCredentials':
      return true;
    case 'injectIncoming':
    case 'sendOnSocket':
      return str(x.socketId, MAX_SHORT) && str(x.data, MAX_COMMAND_DATA) && commandId(x.commandId);
    default:
      return false;
  }
}

/** At most this many records per live update (the live feed sends at most 500). */
const MAX_LIVE_RECORDS = 10_000;

const nullable = (x: unknown, ok: (v: unknown) => boolean): boolean => x === null || ok(x);

/**
 * One check per message type the panel accepts. A mapped type, so a type added to
 * BackgroundToPanel without its check here fails the typecheck instead of being dropped.
 */
const PANEL_BOUND: { readonly [K in BackgroundToPanel['type']]: (x: Obj) => boolean } = {
  commandCompleted: (x) => isCommandCompleted(x),
  pageCredentialsListed: (x) =>
    Array.isArray(x.credentials) &&
    x.credentials.length <= 1_000 &&
    x.credentials.every((c: unknown) => isObj(c) && str(c.connection, MAX_SHORT) && str(c.url, MAX_SHORT) && isObj(c.headers)),
  recordsCaptured: (x) =>
    str(x.sessionId, MAX_SHORT) &&
    int(x.skipped) &&
    Array.isArray(x.records) &&
    x.records.length <= MAX_LIVE_RECORDS &&
    x.records.every(isCaptureRecord),
  captureStatus: (x) =>
    int(x.tabId) &&
    typeof x.recording === 'boolean' &&
    typeof x.preserveLog === 'boolean' &&
    nullable(x.sessionId, (v) => str(v, MAX_SHORT)) &&
    int(x.stored) &&
    int(x.dropped) &&
    int(x.rejected) &&
    nullable(x.problem, (v) => str(v, MAX_URL)) &&
    nullable(x.notice, (v) => str(v, MAX_URL)) &&
    (x.paused === undefined || typeof x.paused === 'boolean') &&
    (x.discarded === undefined || int(x.discarded)) &&
    (x.stoppedSpans === undefined || (Array.isArray(x.stoppedSpans) && x.stoppedSpans.length <= MAX_STOPPED_SPANS && x.stoppedSpans.every(isStoppedSpan))) &&
    (x.workerCapture === undefined || typeof x.workerCapture === 'boolean') &&
    (x.workerCaptureProblem === undefined || nullable(x.workerCaptureProblem, (v) => str(v, MAX_URL))),
};

const isStoppedSpan = (x: unknown): boolean => isObj(x) && num(x.from) && (x.to === null || num(x.to)) && int(x.discarded);

/**
 * What the panel accepts from the background. The background is ours, but a panel can
 * outlive an extension update (an old panel, a new worker): a message it does not
 * understand is refused rather than half-applied.
 */
export function isBackgroundToPanel(x: unknown): x is BackgroundToPanel {
  if (!isObj(x) || typeof x.type !== 'string' || !Object.hasOwn(PANEL_BOUND, x.type)) return false;
  return PANEL_BOUND[x.type as BackgroundToPanel['type']](x);
}

function isObservedPublish(x: unknown): boolean {
  return (
    isObj(x) &&
    str(x.url, MAX_URL) &&
    str(x.method, 32) &&
    str(x.frameUrl, MAX_URL) &&
    isHeaders(x.requestHeaders) &&
    str(x.requestBody, MAX_TEXT) &&
    int(x.status) &&
    str(x.responseBody, MAX_TEXT) &&
    (x.responseHeaders === undefined || isHeaders(x.responseHeaders)) &&
    num(x.startedAt) &&
    num(x.duration)
  );
}

function isPayload(x: unknown): boolean {
  if (typeof x === 'string') return x.length <= MAX_TEXT;
  if (!isObj(x)) return false;
  if (x.binary === true) return int(x.size) && str(x.preview, MAX_SHORT * 4);
  if (x.truncated === true) return str(x.text, MAX_TEXT) && int(x.length);
  return false;
}

function isHeaders(x: unknown): boolean {
  if (!isObj(x)) return false;
  const keys = Object.keys(x);
  if (keys.length > MAX_HEADERS) return false;
  return keys.every((k) => k.length <= MAX_SHORT && str(x[k], MAX_URL * 2));
}

const KINDS = new Set<string>(CAPTURE_KINDS);

/** Checks one capture record from the page. */
export function isCaptureRecord(x: unknown): x is CaptureRecord {
  if (!isObj(x) || typeof x.kind !== 'string' || !KINDS.has(x.kind)) return false;
  if (!str(x.socketId, MAX_SHORT) || !int(x.seq) || !num(x.t)) return false;
  switch (x.kind) {
    case 'ws-create':
      return (
        str(x.url, MAX_URL) &&
        Array.isArray(x.protocols) &&
        x.protocols.length <= MAX_PROTOCOLS &&
        x.protocols.every((p) => str(p, MAX_URL)) &&
        str(x.frameUrl, MAX_URL) &&
        typeof x.appsync === 'boolean' &&
        // Only the background marks a socket as not captured (seen by its handshake).
        x.via === undefined
      );
    case 'ws-open':
      return str(x.protocol, MAX_URL) && str(x.extensions, MAX_URL);
    case 'ws-send':
    case 'ws-receive':
      return (
        isPayload(x.data) &&
        int(x.size) &&
        (x.injected === undefined || x.injected === true) &&
        (x.synthetic === undefined || (x.synthetic === true && x.kind === 'ws-receive')) &&
        (x.blocked === undefined || (x.blocked === true && x.injected === undefined && x.synthetic === undefined))
      );
    case 'ws-error':
      return true;
    case 'ws-close':
      // Only the background marks a close as not reported (debugger-traffic.ts).
      return int(x.code) && str(x.reason, MAX_SHORT) && typeof x.wasClean === 'boolean' && x.unreported === undefined;
    case 'http-request':
      return (
        str(x.url, MAX_URL) &&
        str(x.method, 32) &&
        str(x.frameUrl, MAX_URL) &&
        isHeaders(x.requestHeaders) &&
        isPayload(x.requestBody) &&
        (x.via === 'fetch' || x.via === 'xhr' || x.via === 'network')
      );
    case 'http-response':
      return (
        int(x.request) &&
        str(x.url, MAX_URL) &&
        int(x.status) &&
        isHeaders(x.responseHeaders) &&
        isPayload(x.responseBody) &&
        num(x.duration) &&
        (x.error === undefined || str(x.error, MAX_SHORT))
      );
    case 'http':
      return (
        str(x.url, MAX_URL) &&
        str(x.method, 32) &&
        str(x.frameUrl, MAX_URL) &&
        isHeaders(x.requestHeaders) &&
        isPayload(x.requestBody) &&
        int(x.status) &&
        isPayload(x.responseBody) &&
        (x.responseHeaders === undefined || isHeaders(x.responseHeaders)) &&
        num(x.startedAt) &&
        num(x.duration) &&
        (x.error === undefined || str(x.error, MAX_SHORT)) &&
        (x.via === 'fetch' || x.via === 'xhr' || x.via === 'network')
      );
    case 'worker-start':
      return str(x.url, MAX_URL) && str(x.frameUrl, MAX_URL);
    default:
      return false;
  }
}

export interface ParsedBatch {
  readonly records: CaptureRecord[];
  /** Entries that were not valid capture records. */
  readonly rejected: number;
  /** Set when the whole payload was unusable. */
  readonly error?: string;
}

/**
 * Parses a batch text from the page. Records are accepted one by one, so one forged or
 * broken entry costs only itself; records claiming another page's socket ids are refused.
 */
export function parseCaptureBatch(payload: string, nonce: string): ParsedBatch {
  // The hook's compact text (src/capture/batch-encoding.ts); JSON arrays are still read, as
  // hand-made batches (tests, tools) are JSON.
  if (payload.startsWith(BATCH_FORMAT)) return decodeBatch(payload, BATCH_FORMAT.length, nonce + ':', { maxShort: MAX_SHORT, maxText: MAX_TEXT }, isCaptureRecord);
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { records: [], rejected: 1, error: 'batch is not valid JSON' };
  }
  if (!Array.isArray(value)) return { records: [], rejected: 1, error: 'batch is not an array' };
  const records: CaptureRecord[] = [];
  let rejected = 0;
  const prefix = nonce + ':';
  for (const item of value) {
    if (isCaptureRecord(item) && item.socketId.startsWith(prefix)) records.push(item);
    else rejected++;
  }
  return { records, rejected };
}
