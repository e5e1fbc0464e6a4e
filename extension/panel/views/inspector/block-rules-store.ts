// The block rules as the panel edits them (src/capture/block-rules.ts). The storage is
// injected: storage.local in the panel (shared with every relay, which applies a change at
// once), memory in component tests.
import { signal, type ReadonlySignal } from '@preact/signals';
import { NO_BLOCK_RULES, parseBlockRules, type BlockRules } from '../../../../src/capture/block-rules.ts';

export interface BlockRulesStorage {
  load(): Promise<unknown>;
  save(rules: BlockRules): Promise<void>;
  /** Calls back with the stored value when another panel changes it; returns the unwatch. */
  watch(onChange: (raw: unknown) => void): () => void;
}

export interface BlockRulesStore {
  readonly rules: ReadonlySignal<BlockRules>;
  /** Why the last save failed (storage full, extension reloaded), or null. */
  readonly error: ReadonlySignal<string | null>;
  /** Saves and shows the rules; false (and `error` set) when storage refused them. */
  save(next: BlockRules): Promise<boolean>;
  dispose(): void;
}

export function createBlockRulesStore(storage: BlockRulesStorage): BlockRulesStore {
  const rules = signal<BlockRules>(NO_BLOCK_RULES);
  const error = signal<string | null>(null);
  let saved = false;
  void storage.load().then(
    (raw) => {
      // A save that came first wins over the older stored value.
      if (!saved) rules.value = parseBlockRules(raw);
    },
    () => {},
  );
  const unwatch = storage.watch((raw) => {
    rules.value = parseBlockRules(raw);
  });
  return {
    rules,
    error,
    async save(next) {
      saved = true;
      const before = rules.value;
      rules.value = next;
      try {
        await storage.save(next);
        error.value = null;
        return true;
      } catch (e) {
        rules.value = before;
        error.value = `The block rules were not saved: ${e instanceof Error ? e.message : String(e)}`;
        return false;
      }
    },
    dispose: unwatch,
  };
}

