// The publish history: every publish with what was sent and what came back, newest first,
// bounded. An entry holds everything needed to run it again with one click.

import type { PublishOutcome, Transport } from './types.ts';

export interface HistoryEntry {
  readonly id: string;
  readonly at: number;
  readonly profileId: string;
  readonly transport: Transport;
  readonly channel: string;
  /** The editor text as sent (after template expansion). */
  readonly body: string;
  readonly outcome?: PublishOutcome;
}

export const HISTORY_LIMIT = 100;

export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryEntry[] {
  return [entry, ...history.filter((h) => h.id !== entry.id)].slice(0, limit);
}

/** Records the outcome of an entry that was added when the publish started. */
export function settleHistory(history: readonly HistoryEntry[], id: string, outcome: PublishOutcome): HistoryEntry[] {
  return history.map((h) => (h.id === id ? { ...h, outcome } : h));
}

/** A one-line verdict for the history list. */
export function outcomeSummary(o: PublishOutcome | undefined): string {
  if (!o) return 'sending…';
  if (!o.ok) {
    const e = o.errors[0];
    return `${o.status ? `${o.status} ` : ''}${e?.errorType ?? 'error'}${e?.message ? `: ${e.message}` : ''}`;
  }
  const failed = o.events.filter((e) => !e.ok).length;
  return failed === 0 ? `${o.events.length} ok` : `${o.events.length - failed} ok, ${failed} failed`;
}
