// The background's recorder: one IndexedDB session per tab recording, written by the
// sessions store. The tab → session mapping lives in storage.session, so a service worker
// that was stopped mid-stream continues the same session, and the resent batches are
// de-duplicated against that session's stored high-water marks.
import browser from 'webextension-polyfill';
import type { CaptureRecord } from '../../src/capture/records.ts';
import { redactRecord } from '../../src/capture/redact.ts';
import { classifyFrame } from '../../src/protocol/decode.ts';
import {
  createRecorder,
  createSession,
  getSession,
  listSessions,
  openSessionsDb,
  updateSession,
  type Recorder as SessionWriter,
  type SessionId,
  type SessionsDb,
} from '../../src/sessions/index.ts';
import { enforceRetention, requestPersistentStorage } from '../../src/sessions/retention.ts';
import { StorageFullError } from '../../src/sessions/quota.ts';
import type { Recorder } from './router.ts';

interface TabRecording {
  readonly sessionId: SessionId;
  readonly writer: SessionWriter;
  readonly keepSecrets: boolean;
  stored: number;
  /** When it was last checked that the user has not deleted the session. */
  checkedAt: number;
}

/** How often, at most, the recorder looks whether its session was deleted (one read each). */
const DELETION_CHECK_MS = 1_000;

const key = (tabId: number) => `recording:${tabId}`;

function browserName(): string {
  return navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium';
}

/** Retention is checked again after this many bytes were recorded. */
const RETENTION_EVERY_BYTES = 32 * 1024 * 1024;

export function createSessionRecorder(): Recorder & { db(): Promise<SessionsDb> } {
  let dbPromise: Promise<SessionsDb> | null = null;
  const db = () =>
    (dbPromise ??= openSessionsDb().then(async (database) => {
      // Ask once that the browser does not evict our storage under pressure; sessions are
      // the user's recordings. Not every context exposes it (service workers may not).
      void requestPersistentStorage(typeof navigator !== 'undefined' ? navigator.storage : undefined).catch(() => undefined);
      await finishOrphans(database).catch(() => undefined);
      return database;
    }));
  const tabs = new Map<number, Promise<TabRecording>>();
  let bytesSinceRetention = 0;

  /** Evicts old sessions beyond the budget, never one being recorded; returns the notice text. */
  async function keepWithinBudget(): Promise<{ message: string; freed: number }> {
    bytesSinceRetention = 0;
    const active = await Promise.all([...tabs.values()].map((t) => t.then((r) => r.sessionId, () => null)));
    const notice = await enforceRetention(await db(), { protect: active.filter((id): id is SessionId => id !== null) });
    return { message: notice.message, freed: notice.freedBytes };
  }

  // storage.session is emptied when the browser exits, so a session still marked as
  // recording that no tab maps to was cut short by a browser restart or crash: close it.
  async function finishOrphans(database: SessionsDb): Promise<void> {
    const mapped = new Set(Object.values(await browser.storage.session.get(null)).filter((v) => typeof v === 'string'));
    for (const s of await listSessions(database)) {
      if (s.state !== 'recording' || s.source !== 'live' || mapped.has(s.id)) continue;
      await updateSession(database, s.id, (cur) => ({ ...cur, state: 'complete', endedAt: cur.endedAt ?? cur.startedAt })).catch(() => undefined);
    }
  }

  async function open(tabId: number): Promise<TabRecording> {
    const database = await db();
    const saved = (await browser.storage.session.get(key(tabId)))[key(tabId)] as SessionId | undefined;
    let session = saved ? await getSession(database, saved) : undefined;
    if (!session || session.state !== 'recording' || session.deletedAt !== undefined) {
      const tab = await browser.tabs.get(tabId).catch(() => undefined);
      const url = tab?.url ?? '';
      const startedAt = Date.now();
      session = await createSession(database, {
        name: `${hostOf(url) || 'Capture'} · ${new Date(startedAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })}`,
        pageUrl: url,
        pageTitle: tab?.title ?? '',
        browser: browserName(),
        startedAt,
        source: 'live',
      });
      await browser.storage.session.set({ [key(tabId)]: session.id });
    }
    const writer = await createRecorder(database, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
    return { sessionId: session.id, writer, keepSecrets: session.keepSecrets, stored: session.frameCount, checkedAt: Date.now() };
  }

  function recording(tabId: number): Promise<TabRecording> {
    let r = tabs.get(tabId);
    if (!r) {
      r = open(tabId);
      tabs.set(tabId, r);
      r.catch(() => tabs.delete(tabId));
    }
    return r;
  }

  async function roll(tabId: number): Promise<void> {
    const current = tabs.get(tabId);
    tabs.delete(tabId);
    await browser.storage.session.remove(key(tabId));
    if (current) await (await current).writer.finish().catch(() => undefined);
    await keepWithinBudget().catch(() => undefined);
  }

  return {
    db,
    async append(tabId, records: readonly CaptureRecord[]) {
      let rec = await recording(tabId);
      // The user deleted the session being recorded: keep recording, into a new one. Checked
      // at most once a second rather than with an extra read per batch.
      if (Date.now() - rec.checkedAt > DELETION_CHECK_MS) {
        rec.checkedAt = Date.now();
        const current = await getSession(await db(), rec.sessionId);
        if (!current || current.deletedAt !== undefined) {
          await roll(tabId);
          rec = await recording(tabId);
        }
      }
      // After "storage full" every new batch tries again; a failed write changes nothing.
      if (rec.writer.state.status === 'paused') rec.writer.resume();
      let result;
      let notice: string | undefined;
      try {
        result = await rec.writer.append(records);
      } catch (error) {
        if (!(error instanceof StorageFullError)) throw error;
        const freed = await keepWithinBudget();
        if (freed.freed === 0) throw error;
        notice = freed.message;
        rec.writer.resume();
        result = await rec.writer.append(records);
      }
      rec.stored += result.stored;
      for (const r of records) bytesSinceRetention += r.kind === 'ws-send' || r.kind === 'ws-receive' ? r.size : 256;
      if (bytesSinceRetention > RETENTION_EVERY_BYTES) {
        const kept = await keepWithinBudget();
        if (kept.message) notice = kept.message;
      }
      return {
        sessionId: rec.sessionId,
        stored: rec.stored,
        records: rec.keepSecrets ? records : records.map(redactRecord),
        ...(notice ? { notice } : {}),
      };
    },
    rollSession: (tabId) => roll(tabId),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
