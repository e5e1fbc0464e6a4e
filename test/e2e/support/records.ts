// Sees exactly what the background delivers to a panel, without going through the panel's
// DOM: an extension page opens its own panel port for a tab and keeps every record and the
// latest status the background sends on it. Tests can then assert on the records (the
// contract) rather than on how the panel happens to render them.
import type { Page } from 'puppeteer-core';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import type { CaptureStatus, PanelToBackground } from '../../../src/messaging/contracts.ts';
import { tabIdOf, waitFor, type ExtensionBrowser } from './browsers.ts';

export interface Collector {
  /** The extension page the port lives in. */
  readonly page: Page;
  /** Every record delivered so far, in delivery order. */
  records(): Promise<CaptureRecord[]>;
  /** Polls the delivered records until `predicate` returns something truthy, and returns it. */
  waitForRecords<T>(predicate: (records: CaptureRecord[]) => T | false | null | undefined, what: string, timeout?: number): Promise<T>;
  /** The latest captureStatus, or null before the first one. */
  status(): Promise<CaptureStatus | null>;
  /** How often the collector had to reconnect (the background was stopped or suspended). */
  reconnects(): Promise<number>;
  /** Sends a panel command on this collector's port, as the panel would. */
  post(message: PanelToBackground): Promise<void>;
  /** Disconnects the port (the tab stops recording when no panel is left) and closes the page. */
  close(): Promise<void>;
}

interface CollectorWindow {
  __records: CaptureRecord[];
  __status: CaptureStatus | null;
  /** How often the background dropped the port and the collector reconnected. */
  __reconnects: number;
  __post(message: unknown): void;
  __disconnect(): void;
}

type PortLike = {
  onMessage: { addListener(fn: (m: unknown) => void): void };
  postMessage(m: unknown): void;
  disconnect(): void;
  onDisconnect: { addListener(fn: () => void): void };
};
type RuntimeLike = { runtime: { connect(info: { name: string }): PortLike } };

/**
 * Opens a collector for `tabId`. The panel page is opened without `?tabId=` on purpose: with
 * it, the panel app would open its own port first, recording would start, and the records the
 * hook had been holding would be delivered before our port exists. Being the only port for
 * the tab makes the collector see everything from the first record on. The page is still the
 * panel page, so the background accepts the port exactly as it accepts the panel's.
 */
export async function collectRecords(eb: ExtensionBrowser, tabId: number): Promise<Collector> {
  const page = await eb.openExtensionPage('extension/panel/panel.html');
  await page.evaluate((id: number) => {
    const g = globalThis as unknown as { browser?: RuntimeLike; chrome?: RuntimeLike } & CollectorWindow;
    const api = (g.browser ?? g.chrome)!;
    g.__records = [];
    g.__status = null;
    g.__reconnects = 0;
    // A suspended Firefox event page (or a stopped Chrome worker) drops every port; the panel
    // reconnects (src/messaging/reconnecting-port.ts), and so does the collector, or a test
    // whose page is busy for longer than the browser's idle timeout would stop seeing
    // records that were in fact captured and stored. Nothing is de-duplicated here: the
    // background promises no duplicates across a restart, and the tests check it.
    let port: PortLike | null = null;
    let closed = false;
    // A member, not a named local: tsx would wrap a named local function in a helper that
    // does not exist in the page.
    const self = {} as { connect(): void };
    self.connect = () => {
      const p = api.runtime.connect({ name: `appsync-panel:${id}` });
      port = p;
      p.onMessage.addListener((m: unknown) => {
        const msg = m as { type?: string; records?: CaptureRecord[] };
        if (msg.type === 'recordsCaptured' && Array.isArray(msg.records)) for (const r of msg.records) g.__records.push(r);
        else if (msg.type === 'captureStatus') g.__status = m as CaptureStatus;
      });
      p.onDisconnect.addListener(() => {
        if (closed || port !== p) return;
        port = null;
        g.__reconnects++;
        setTimeout(() => self.connect(), 100);
      });
    };
    self.connect();
    g.__post = (message) => port?.postMessage(message);
    g.__disconnect = () => {
      closed = true;
      port?.disconnect();
    };
  }, tabId);

  // Records are fetched incrementally: tests poll often and some records carry megabytes.
  const seen: CaptureRecord[] = [];
  const fetchNew = async (): Promise<CaptureRecord[]> => {
    const fresh = await page.evaluate((from: number) => (window as unknown as CollectorWindow).__records.slice(from), seen.length);
    for (const r of fresh) seen.push(r);
    return seen;
  };

  return {
    page,
    records: fetchNew,
    async waitForRecords(predicate, what, timeout = 15_000) {
      return waitFor(async () => predicate(await fetchNew()), { what, timeout, interval: 100 });
    },
    status: () => page.evaluate(() => (window as unknown as CollectorWindow).__status),
    reconnects: () => page.evaluate(() => (window as unknown as CollectorWindow).__reconnects),
    post: (message) => page.evaluate((m: unknown) => (window as unknown as CollectorWindow).__post(m), message as unknown),
    async close() {
      await page.evaluate(() => (window as unknown as CollectorWindow).__disconnect()).catch(() => {});
      await page.close().catch(() => {});
    },
  };
}

const tabProbes = new WeakMap<ExtensionBrowser, Page>();

/**
 * The browser's tab id of the tab showing `url`. One extension page per browser is kept for
 * asking, so tests do not open and close a tab for every lookup.
 */
export async function tabIdFor(eb: ExtensionBrowser, url: string): Promise<number> {
  let probe = tabProbes.get(eb);
  if (!probe || probe.isClosed()) {
    probe = await eb.openExtensionPage('extension/panel/panel.html');
    tabProbes.set(eb, probe);
  }
  return tabIdOf(probe, url);
}

// ---- reading records -------------------------------------------------------------------

export type SocketRecord = Extract<CaptureRecord, { kind: `ws-${string}` }>;

/** The records of one socket (or HTTP stream), in delivery order (not re-sorted). */
export function ofSocket(records: readonly CaptureRecord[], socketId: string): CaptureRecord[] {
  return records.filter((r) => r.socketId === socketId);
}

/** The socket ids in order of their ws-create, optionally only those whose URL matches. */
export function socketIds(records: readonly CaptureRecord[], match?: (r: Extract<CaptureRecord, { kind: 'ws-create' }>) => boolean): string[] {
  const out: string[] = [];
  for (const r of records) if (r.kind === 'ws-create' && (!match || match(r))) out.push(r.socketId);
  return out;
}

/** For a failure message: each socket's first record, its time, and whether the hook or the network saw it. */
export function describeSockets(records: readonly CaptureRecord[]): string {
  return [...new Set(records.map((r) => r.socketId))]
    .map((id) => {
      const first = ofSocket(records, id)[0];
      return `${id}: ${first?.kind} t=${first?.t} via=${first && 'via' in first ? first.via : 'hook'}`;
    })
    .join('; ');
}

/**
 * A short label per record: the lifecycle kind, or for text frames the AppSync `type` of
 * the JSON message (what a reader of the stream cares about).
 */
export function label(r: CaptureRecord): string {
  if (r.kind !== 'ws-send' && r.kind !== 'ws-receive') return r.kind;
  if (typeof r.data !== 'string') return 'binary' in r.data ? 'binary' : 'truncated';
  try {
    const v = JSON.parse(r.data) as { type?: unknown };
    return typeof v.type === 'string' ? v.type : 'text';
  } catch {
    return 'text';
  }
}

/**
 * One stream's records, as delivered, must be exactly seq 0, 1, 2, …: no gaps, repeats or
 * reordering. That is what lets the background and the panel detect loss and duplicates.
 */
export function seqsAreContiguous(records: readonly CaptureRecord[]): boolean {
  return records.every((r, i) => r.seq === i);
}

/** The text of a frame record, when it carries one whole. */
export function textOf(r: CaptureRecord): string | undefined {
  if ((r.kind === 'ws-send' || r.kind === 'ws-receive') && typeof r.data === 'string') return r.data;
  return undefined;
}
