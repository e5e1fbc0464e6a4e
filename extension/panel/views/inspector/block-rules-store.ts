// The block rules as the panel edits them (src/capture/block-rules.ts), in storage.local,
// shared with every relay, which applies a change at once.
import type { ReadonlySignal } from '@preact/signals';
import { NO_BLOCK_RULES, parseBlockRules, type BlockRules } from '../../../../src/capture/block-rules.ts';
import { createSyncedValue, type SyncedStorage } from '../../store/synced-value.ts';

export type BlockRulesStorage = SyncedStorage<BlockRules>;

export interface BlockRulesStore {
  readonly rules: ReadonlySignal<BlockRules>;
  readonly error: ReadonlySignal<string | null>;
  save(next: BlockRules): Promise<boolean>;
  dispose(): void;
}

export function createBlockRulesStore(storage: BlockRulesStorage): BlockRulesStore {
  const v = createSyncedValue(storage, parseBlockRules, NO_BLOCK_RULES, 'The block rules');
  return { rules: v.value, error: v.error, save: v.save, dispose: v.dispose };
}
