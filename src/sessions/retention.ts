// Retention: a storage budget for recorded sessions, eviction of the oldest unpinned ones,
// and helpers around the browser's own storage quota.
//
// The budget is compared with the sessions' own estimate of their size (`storedBytes`),
// not with navigator.storage.estimate(): that figure includes other stores and lags behind
// compaction, so evicting against it would remove more than needed.

import type { SessionsDb } from './schema.ts';
import { purgeSession } from './session-ops.ts';
import type { SessionId, SessionRecord } from './types.ts';

export const DEFAULT_STORAGE_BUDGET = 1024 * 1024 * 1024;
const BUDGET_KEY = 'storageBudget';

export async function getStorageBudget(db: SessionsDb): Promise<number> {
  const value = (await db.get('meta', BUDGET_KEY))?.value;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_STORAGE_BUDGET;
}

export async function setStorageBudget(db: SessionsDb, bytes: number): Promise<void> {
  if (!Number.isFinite(bytes) || bytes <= 0) throw new RangeError('The storage budget must be a positive number of bytes.');
  await db.put('meta', { key: BUDGET_KEY, value: Math.floor(bytes) });
}

export interface EvictedSession {
  readonly id: SessionId;
  readonly name: string;
  readonly startedAt: number;
  readonly storedBytes: number;
  /** `deleted`: it had been deleted (pending undo); `budget`: it was the oldest unpinned. */
  readonly reason: 'deleted' | 'budget';
}

export interface EvictionNotice {
  readonly evicted: readonly EvictedSession[];
  readonly freedBytes: number;
  /** Estimated bytes used after eviction. */
  readonly usedBytes: number;
  readonly budgetBytes: number;
  /** Still over budget: what is left is pinned or protected. */
  readonly overBudget: boolean;
  /** One sentence for the UI; empty when nothing happened. */
  readonly message: string;
}

export interface RetentionOptions {
  /** Defaults to the stored budget (or 1 GiB). */
  readonly budgetBytes?: number;
  /** Sessions never evicted, e.g. the ones being recorded right now. */
  readonly protect?: readonly SessionId[];
}

/**
 * The one byte-size formatter (panel and notices): IEC binary units, since every size and
 * limit here is a power of two (1 GiB budget, 512 KiB chunks): `512 B`, `1.5 KiB`, `1 GiB`.
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const shown = u === 0 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[u]}`;
}

function evictionMessage(evicted: readonly EvictedSession[], freed: number, budget: number, over: boolean): string {
  const parts: string[] = [];
  if (evicted.length > 0) {
    const names = evicted.slice(0, 3).map((e) => `"${e.name}"`).join(', ') + (evicted.length > 3 ? ', …' : '');
    const noun = evicted.length === 1 ? 'session' : 'sessions';
    parts.push(`Removed ${evicted.length} old ${noun} (${formatBytes(freed)}) to stay within the ${formatBytes(budget)} storage budget: ${names}.`);
  }
  if (over) parts.push(`Storage is still over the ${formatBytes(budget)} budget because the remaining sessions are pinned or in use; unpin or delete some.`);
  return parts.join(' ');
}

/**
 * Evicts until the estimated size fits the budget: soft-deleted sessions first, then the
 * oldest unpinned ones. Pinned, protected and staged (importing) sessions stay.
 */
export async function enforceRetention(db: SessionsDb, options: RetentionOptions = {}): Promise<EvictionNotice> {
  const budget = options.budgetBytes ?? (await getStorageBudget(db));
  const protect = new Set<string>(options.protect ?? []);
  const sessions = await db.getAll('sessions');
  let used = sessions.reduce((n, s) => n + s.storedBytes, 0);
  const evictable = (s: SessionRecord): boolean => !protect.has(s.id) && s.state !== 'importing';
  const deleted = sessions
    .filter((s) => s.deletedAt !== undefined && evictable(s))
    .sort((a, b) => (a.deletedAt ?? 0) - (b.deletedAt ?? 0));
  const oldest = sessions
    .filter((s) => s.deletedAt === undefined && !s.pinned && evictable(s))
    .sort((a, b) => a.startedAt - b.startedAt);
  const evicted: EvictedSession[] = [];
  let freed = 0;
  for (const [s, reason] of [
    ...deleted.map((d) => [d, 'deleted'] as const),
    ...oldest.map((o) => [o, 'budget'] as const),
  ]) {
    if (used <= budget) break;
    await purgeSession(db, s.id);
    used -= s.storedBytes;
    freed += s.storedBytes;
    evicted.push({ id: s.id, name: s.name, startedAt: s.startedAt, storedBytes: s.storedBytes, reason });
  }
  const overBudget = used > budget;
  return {
    evicted,
    freedBytes: freed,
    usedBytes: used,
    budgetBytes: budget,
    overBudget,
    message: evictionMessage(evicted, freed, budget, overBudget),
  };
}

/** The subset of StorageManager used here (injectable for tests and non-window contexts). */
export interface StorageLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

function defaultStorage(): StorageLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageLike } }).navigator?.storage;
}

/**
 * Asks the browser not to evict our data under storage pressure. Extensions with the
 * `unlimitedStorage` permission are already exempt in Chromium; elsewhere this is the way.
 */
export async function requestPersistentStorage(
  storage: StorageLike | undefined = defaultStorage(),
): Promise<'granted' | 'denied' | 'unavailable'> {
  if (!storage?.persist) return 'unavailable';
  try {
    if (storage.persisted && (await storage.persisted())) return 'granted';
    return (await storage.persist()) ? 'granted' : 'denied';
  } catch {
    return 'unavailable';
  }
}

/** The browser's usage and quota for our origin, when it reports them. */
export async function estimateStorage(
  storage: StorageLike | undefined = defaultStorage(),
): Promise<{ readonly usage: number; readonly quota: number } | undefined> {
  try {
    const e = await storage?.estimate?.();
    return e && typeof e.usage === 'number' && typeof e.quota === 'number' ? { usage: e.usage, quota: e.quota } : undefined;
  } catch {
    return undefined;
  }
}
