// A value kept in extension storage and shared by every open panel (block rules, saved
// filters): read once, saved on every change, and followed when another panel changes it.
// The storage is injected: storage.local in the panel, memory in component tests.
import { signal, type ReadonlySignal } from '@preact/signals';

export interface SyncedStorage<T> {
  load(): Promise<unknown>;
  save(value: T): Promise<void>;
  /** Calls back with the stored value when another panel changes it; returns the unwatch. */
  watch(onChange: (raw: unknown) => void): () => void;
}

export interface SyncedValue<T> {
  readonly value: ReadonlySignal<T>;
  /** Why the last save failed (storage full, extension reloaded), or null. */
  readonly error: ReadonlySignal<string | null>;
  /** Saves and shows `next`; false (the previous value kept, `error` set) when storage refused it. */
  save(next: T): Promise<boolean>;
  dispose(): void;
}

/**
 * `parse` turns whatever storage holds (another version's shape, a hand edit) into a valid
 * value; `what` names it in the error ("The block rules").
 */
export function createSyncedValue<T>(storage: SyncedStorage<T>, parse: (raw: unknown) => T, initial: T, what: string): SyncedValue<T> {
  const value = signal<T>(initial);
  const error = signal<string | null>(null);
  let saved = false;
  void storage.load().then(
    (raw) => {
      // A save that came first wins over the older stored value.
      if (!saved) value.value = parse(raw);
    },
    () => {},
  );
  const unwatch = storage.watch((raw) => {
    value.value = parse(raw);
  });
  return {
    value,
    error,
    async save(next) {
      saved = true;
      const before = value.value;
      value.value = next;
      try {
        await storage.save(next);
        error.value = null;
        return true;
      } catch (e) {
        value.value = before;
        error.value = `${what} were not saved: ${e instanceof Error ? e.message : String(e)}`;
        return false;
      }
    },
    dispose: unwatch,
  };
}
