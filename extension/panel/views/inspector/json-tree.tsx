// A collapsible JSON tree (rows from json-tree-model.ts). Keys and values are page data and
// are rendered as text nodes.
import { useMemo, useState } from 'preact/hooks';
import { EMPTY_TREE_STATE, flattenJson, showMore, toggle, type TreeState } from './json-tree-model.ts';

/** `onFilter`: offered on the values of decoded events, with the filter token that selects them. */
export function JsonTree({ value, label, onFilter }: { value: unknown; label: string; onFilter?: (token: string) => void }) {
  const [state, setState] = useState<TreeState>(EMPTY_TREE_STATE);
  const rows = useMemo(() => flattenJson(value, state), [value, state]);
  return (
    <div class="jtree" role="tree" aria-label={label}>
      {rows.map((r) => (
        <div
          key={r.id}
          class={`jrow k-${r.kind}`}
          role="treeitem"
          aria-level={r.depth + 1}
          aria-expanded={r.expandable ? r.expanded : undefined}
          style={{ paddingLeft: `${r.depth * 14 + 4}px` }}
        >
          {r.kind === 'more' ? (
            <button type="button" class="jmore" onClick={() => setState(showMore(state, r))} disabled={!r.parent}>
              {r.text}
            </button>
          ) : (
            <>
              {r.expandable ? (
                <button type="button" class="jtoggle" aria-label={r.expanded ? 'Collapse' : 'Expand'} onClick={() => setState(toggle(state, r))}>
                  {r.expanded ? '▾' : '▸'}
                </button>
              ) : (
                <span class="jtoggle" />
              )}
              {r.key !== null && <span class="jkey">{r.key}</span>}
              {r.key !== null && <span class="jcolon">: </span>}
              <span class="jval">{r.text}</span>
              {r.decoded && <span class="jnote" title="This value was a JSON string; shown decoded">JSON string</span>}
              {onFilter && r.filter && (
                <button type="button" class="jfilter" title={`Show only frames whose events have this value: ${r.filter}`} aria-label={`Filter by ${r.filter}`} onClick={() => onFilter(r.filter!)}>
                  ⊕
                </button>
              )}
            </>
          )}
        </div>
      ))}
    </div>
  );
}
