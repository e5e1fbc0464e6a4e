// Session records: create, list, get, rename, pin, tag, keep-secrets, and delete with undo
// (a soft delete that hides the session, then a purge that removes its data).

import { sessionRange, SESSION_DATA_STORES, type SessionsDb } from './schema.ts';
import type { SessionId, SessionRecord, SessionSource, SessionState } from './types.ts';

export interface NewSession {
  readonly id?: SessionId;
  readonly name?: string;
  readonly pageUrl?: string;
  readonly pageTitle?: string;
  readonly browser?: string;
  readonly startedAt?: number;
  readonly source?: SessionSource;
  readonly derivedFrom?: SessionId;
  readonly tags?: readonly string[];
  readonly pinned?: boolean;
  readonly keepSecrets?: boolean;
}

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  constructor(readonly sessionId: string) {
    super(`Session ${sessionId} does not exist (it may have been deleted or evicted).`);
  }
}

export function newSessionId(): SessionId {
  return globalThis.crypto.randomUUID() as SessionId;
}

export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag.length > 0 && !out.includes(tag)) out.push(tag);
  }
  return out;
}

export function sessionRecord(init: NewSession, state: SessionState): SessionRecord {
  const startedAt = init.startedAt ?? Date.now();
  return {
    id: init.id ?? newSessionId(),
    name: init.name ?? `Session ${new Date(startedAt).toISOString()}`,
    pageUrl: init.pageUrl ?? '',
    pageTitle: init.pageTitle ?? '',
    browser: init.browser ?? '',
    startedAt,
    frameCount: 0,
    byteCount: 0,
    storedBytes: 0,
    chunkCount: 0,
    connections: { websocket: 0, http: 0, appsync: 0, errors: 0, lost: 0 },
    source: init.source ?? 'live',
    ...(init.derivedFrom !== undefined ? { derivedFrom: init.derivedFrom } : {}),
    tags: normalizeTags(init.tags ?? []),
    pinned: init.pinned ?? false,
    keepSecrets: init.keepSecrets ?? false,
    state,
  };
}

export async function createSession(db: SessionsDb, init: NewSession = {}): Promise<SessionRecord> {
  const record = sessionRecord(init, 'recording');
  await db.add('sessions', record);
  return record;
}

/** A session by id, including soft-deleted ones (see `deletedAt`); staged imports are hidden. */
export async function getSession(db: SessionsDb, id: SessionId): Promise<SessionRecord | undefined> {
  const s = await db.get('sessions', id);
  return s && s.state !== 'importing' ? s : undefined;
}

export interface ListOptions {
  /** Pinned sessions first (each group newest first). */
  readonly pinnedFirst?: boolean;
  /** Include soft-deleted sessions (for an "undo" list). */
  readonly includeDeleted?: boolean;
}

export async function listSessions(db: SessionsDb, options: ListOptions = {}): Promise<SessionRecord[]> {
  const all = await db.getAll('sessions');
  const visible = all.filter((s) => s.state !== 'importing' && (options.includeDeleted || s.deletedAt === undefined));
  return visible.sort((a, b) => {
    if (options.pinnedFirst && a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    return b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1);
  });
}

/** Read-modify-write in one transaction, so concurrent edits and the recorder never clash. */
export async function updateSession(
  db: SessionsDb,
  id: SessionId,
  change: (s: SessionRecord) => SessionRecord,
): Promise<SessionRecord> {
  const tx = db.transaction('sessions', 'readwrite');
  const current = await tx.store.get(id);
  if (!current || current.state === 'importing') {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new SessionNotFoundError(id);
  }
  const next = change(current);
  await Promise.all([tx.store.put(next), tx.done]);
  return next;
}

export function renameSession(db: SessionsDb, id: SessionId, name: string): Promise<SessionRecord> {
  const trimmed = name.trim();
  if (trimmed.length === 0) return Promise.reject(new Error('A session name cannot be empty.'));
  return updateSession(db, id, (s) => ({ ...s, name: trimmed }));
}

export function setPinned(db: SessionsDb, id: SessionId, pinned: boolean): Promise<SessionRecord> {
  return updateSession(db, id, (s) => ({ ...s, pinned }));
}

export function setTags(db: SessionsDb, id: SessionId, tags: readonly string[]): Promise<SessionRecord> {
  return updateSession(db, id, (s) => ({ ...s, tags: normalizeTags(tags) }));
}

/** Whether new frames and exports keep secrets (auth headers, tokens) instead of redacting. */
export function setKeepSecrets(db: SessionsDb, id: SessionId, keepSecrets: boolean): Promise<SessionRecord> {
  return updateSession(db, id, (s) => ({ ...s, keepSecrets }));
}

/**
 * Soft delete: the session disappears from lists but its data stays until purged, so the
 * returned token (the id) can undo it. Retention purges soft-deleted sessions first.
 */
export async function deleteSession(db: SessionsDb, id: SessionId, now: number = Date.now()): Promise<SessionId> {
  await updateSession(db, id, (s) => ({ ...s, deletedAt: now }));
  return id;
}

export function undoDelete(db: SessionsDb, token: SessionId): Promise<SessionRecord> {
  return updateSession(db, token, (s) => {
    const { deletedAt: _gone, ...rest } = s;
    return rest;
  });
}

/** Removes a session and all its data, in one transaction (all or nothing). */
export async function purgeSession(db: SessionsDb, id: SessionId): Promise<void> {
  const tx = db.transaction(['sessions', ...SESSION_DATA_STORES], 'readwrite');
  const range = sessionRange(id);
  await Promise.all([
    tx.objectStore('sessions').delete(id),
    ...SESSION_DATA_STORES.map((name) => tx.objectStore(name).delete(range)),
    tx.done,
  ]);
}

/** Purges soft-deleted sessions older than `olderThanMs`; returns their ids. */
export async function purgeDeleted(
  db: SessionsDb,
  options: { readonly olderThanMs?: number; readonly now?: number } = {},
): Promise<SessionId[]> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 0);
  const gone = (await db.getAll('sessions')).filter((s) => s.deletedAt !== undefined && s.deletedAt <= cutoff);
  for (const s of gone) await purgeSession(db, s.id);
  return gone.map((s) => s.id);
}

/** An import writes at least this often while it runs; a staged one quiet for longer was abandoned. */
export const STALE_IMPORT_MS = 2 * 60_000;

/**
 * Removes staged imports left behind by a crash mid-import (the panel runs it when it
 * opens). One that wrote within `olderThanMs` may be running in another panel and is kept.
 */
export async function purgeStaleImports(db: SessionsDb, options: { olderThanMs?: number; now?: number } = {}): Promise<SessionId[]> {
  const limit = (options.now ?? Date.now()) - (options.olderThanMs ?? STALE_IMPORT_MS);
  const stale = (await db.getAll('sessions')).filter((s) => s.state === 'importing' && (s.stagedAt ?? 0) <= limit);
  for (const s of stale) await purgeSession(db, s.id);
  return stale.map((s) => s.id);
}
