// The channel tree: namespaces → segments with frame counts, flattened with an explicit
// stack (channels are page data and may nest deeply). A click filters the table to the
// node (and everything below it); a second click clears.
import { useState } from 'preact/hooks';
import type { ChannelNode } from '../../../../src/traffic/index.ts';
import { channelTokens, hasTokens, toggleTokens } from './filter-tokens.ts';

/** Rows rendered at most; the rest are counted. */
const MAX_ROWS = 500;

interface Row {
  readonly node: ChannelNode;
  readonly depth: number;
}

/** Visible rows: namespaces open by default, deeper nodes when the user opens them. */
export function flattenTree(nodes: readonly ChannelNode[], closed: ReadonlySet<string>, opened: ReadonlySet<string>, max = MAX_ROWS): { rows: Row[]; hidden: number } {
  const rows: Row[] = [];
  let hidden = 0;
  const stack: Row[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]!, depth: 0 });
  while (stack.length > 0) {
    const row = stack.pop()!;
    if (rows.length >= max) {
      hidden++;
      continue;
    }
    rows.push(row);
    const open = row.depth === 0 ? !closed.has(row.node.path) : opened.has(row.node.path);
    if (!open) continue;
    const kids = row.node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, depth: row.depth + 1 });
  }
  return { rows, hidden };
}

interface Props {
  readonly nodes: readonly ChannelNode[];
  readonly filterText: string;
  readonly onFilterText: (text: string) => void;
}

export function ChannelTree({ nodes, filterText, onFilterText }: Props) {
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  if (nodes.length === 0) {
    return (
      <p class="empty small" data-testid="channel-tree">
        No channels yet — subscribe or publish from the page, or reload it to capture from the start.
      </p>
    );
  }
  const { rows, hidden } = flattenTree(nodes, closed, opened);
  const toggle = (row: Row): void => {
    const path = row.node.path;
    const flip = (set: ReadonlySet<string>) => {
      const next = new Set(set);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    };
    if (row.depth === 0) setClosed(flip(closed));
    else setOpened(flip(opened));
  };
  return (
    <ul class="channel-tree" data-testid="channel-tree" role="tree" aria-label="Channels">
      {rows.map((row) => {
        const n = row.node;
        const hasKids = n.children.length > 0;
        const tokens = channelTokens(n.path, n.own, hasKids);
        const active = hasTokens(filterText, 'channel', tokens);
        const open = row.depth === 0 ? !closed.has(n.path) : opened.has(n.path);
        return (
          <li key={n.path} role="treeitem" aria-level={row.depth + 1} aria-expanded={hasKids ? open : undefined} class={`channel-node${active ? ' active' : ''}`} data-testid="channel-node" data-path={n.path} style={{ paddingLeft: `${4 + Math.min(row.depth, 12) * 12}px` }}>
            {hasKids ? (
              <button type="button" class="tree-toggle" aria-label={open ? `Collapse ${n.path}` : `Expand ${n.path}`} onClick={() => toggle(row)}>
                {open ? '▾' : '▸'}
              </button>
            ) : (
              <span class="tree-toggle" />
            )}
            <button type="button" class="node-name" aria-pressed={active} title={active ? 'Show every channel' : `Show only ${tokens.map((t) => t.slice(8)).join(' and ')}`} onClick={() => onFilterText(toggleTokens(filterText, 'channel', tokens))}>
              {row.depth === 0 ? n.path : n.name}
            </button>
            <span class="node-count muted" title={`${n.own.toLocaleString()} frames on this channel, ${n.total.toLocaleString()} with those below it`}>
              {n.total.toLocaleString()}
            </span>
          </li>
        );
      })}
      {hidden > 0 && <li class="muted more">{hidden.toLocaleString()} more channels not listed; filter with channel:</li>}
    </ul>
  );
}
