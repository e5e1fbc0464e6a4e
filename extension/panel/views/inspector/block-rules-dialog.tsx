// Block rules: which messages the page hooks keep from the app or from the server. Every
// change is saved at once; the relays of every tab apply it to the next message.
import { useState } from 'preact/hooks';
import { allOff, describeRule, MAX_BLOCK_RULES, ruleProblem, type BlockDirection, type BlockRule } from '../../../../src/capture/block-rules.ts';
import type { BlockRulesStore } from './block-rules-store.ts';

/** A new rule's defaults, e.g. from a frame's "Block messages like this". */
export interface RuleDraft {
  readonly dir: BlockDirection;
  readonly type: string;
  readonly contains: string;
}

const TYPES = ['ka', 'data', 'connection_ack', 'subscribe_success', 'subscribe_error', 'publish_success', 'publish_error', 'broadcast_error', 'error', 'subscribe', 'unsubscribe', 'publish', 'connection_init'];

export function BlockRulesDialog({ store, draft, onClose }: { store: BlockRulesStore; draft?: RuleDraft; onClose: () => void }) {
  const rules = store.rules.value.rules;
  const [dir, setDir] = useState<BlockDirection>(draft?.dir ?? 'receive');
  const [type, setType] = useState(draft?.type ?? '');
  const [contains, setContains] = useState(draft?.contains ?? '');
  const [replace, setReplace] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const put = (next: readonly BlockRule[]) => void store.save({ rules: next });
  const add = (e: Event) => {
    e.preventDefault();
    const t = type.trim();
    const why = t === '' && contains === '' ? 'Give a message type or a text: a rule with neither would block every message.' : ruleProblem({ type: t, contains, replace });
    if (why) return setProblem(why);
    if (rules.length >= MAX_BLOCK_RULES) return setProblem(`At most ${MAX_BLOCK_RULES} rules; remove one first.`);
    setProblem(null);
    put([...rules, { dir, type: t, contains, replace, on: true }]);
    setType('');
    setContains('');
    setReplace('');
  };

  return (
    <div class="dialog block-dialog" role="dialog" aria-label="Block messages">
      <h2>Block messages</h2>
      <p class="info">
        A matching message the server sends never reaches the app's listeners; one the app sends is not sent. With a replacement, that text is delivered or sent in
        its place. Rules apply to the captured sockets of every tab, from the next message on; each blocked message is still recorded, marked ⊘, and a
        replacement after it, marked ⇣ or ⇡.
      </p>
      {rules.length === 0 ? (
        <p class="empty-rules" data-testid="block-empty">
          No rules yet. Block <code>ka</code> from the server to see how the app handles a silent connection, or <code>subscribe_success</code> to leave a
          subscription unanswered.
        </p>
      ) : (
        <ul class="block-rules" aria-label="Rules">
          {rules.map((r, i) => (
            <li key={i}>
              <label class="check">
                <input type="checkbox" checked={r.on} onChange={(e) => put(rules.map((x, j) => (j === i ? { ...x, on: e.currentTarget.checked } : x)))} />
                {describeRule(r)}
              </label>
              <button type="button" aria-label={`Remove the rule for ${describeRule(r)}`} onClick={() => put(rules.filter((_, j) => j !== i))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="block-add" onSubmit={add}>
        <select aria-label="Messages from" value={dir} onChange={(e) => setDir(e.currentTarget.value as BlockDirection)}>
          <option value="receive">from the server</option>
          <option value="send">from the app</option>
          <option value="any">either way</option>
        </select>
        <input aria-label="Message type" list="block-types" placeholder="type (ka, data, …)" value={type} onInput={(e) => setType(e.currentTarget.value)} />
        <datalist id="block-types">
          {TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <input aria-label="Containing text" placeholder="containing text (optional)" value={contains} onInput={(e) => setContains(e.currentTarget.value)} />
        <input
          aria-label="Replace with"
          class="block-replace"
          placeholder='replace with (optional), e.g. {"type":"data","id":"…","event":"{}"}'
          value={replace}
          onInput={(e) => setReplace(e.currentTarget.value)}
        />
        <button type="submit">Add rule</button>
      </form>
      {(problem ?? store.error.value) && (
        <p class="error" role="alert">
          {problem ?? store.error.value}
        </p>
      )}
      <div class="buttons">
        {rules.some((r) => r.on) && (
          <button type="button" onClick={() => void store.save(allOff(store.rules.value))}>
            Turn all off
          </button>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
