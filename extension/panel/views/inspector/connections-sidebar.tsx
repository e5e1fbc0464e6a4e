// The inspector's left sidebar: the session's connections (state, age, origin, auth mode,
// keep-alive health) with their subscriptions, and the channel tree, from the traffic
// model. A click filters the table (`conn:`, `id:`, `channel:`); a second click clears.
import { useState } from 'preact/hooks';
import type { ConnectionView, SubscriptionView, TrafficModel } from '../../../../src/traffic/index.ts';
import { ChannelTree } from './channel-tree.tsx';
import { connectionText, formatRate, subscriptionState } from './sidebar-format.ts';
import { hasTokens, toggleSubscription, toggleTokens } from './filter-tokens.ts';
import type { ConnectionLabels } from './filter-query.ts';

/** Connections and subscriptions rendered at most; the rest are counted, never dropped silently. */
const MAX_CONNECTIONS = 300;
const MAX_SUBSCRIPTIONS = 100;

interface Props {
  readonly model: TrafficModel | null;
  /** trafficVersion: a change re-renders. */
  readonly version: number;
  /** The time health and ages are judged at (undefined: the session's last frame). */
  readonly now: number | undefined;
  readonly filterText: string;
  readonly onFilterText: (text: string) => void;
  /** The session's connection names (see connectionLabels). */
  readonly labels?: ConnectionLabels;
  /** The document of each connection not opened by the session's page (see framesOf). */
  readonly frames?: ReadonlyMap<string, { readonly text: string; readonly url: string }>;
}

type Tab = 'connections' | 'channels';

export const EMPTY_CONNECTIONS = 'No connections yet — open a page that uses AppSync Events, or reload to capture from the start.';

export function ConnectionsSidebar({ model, version, now, filterText, onFilterText, labels, frames }: Props) {
  const [collapsed, setCollapsed] = useState(false);
  const [tab, setTab] = useState<Tab>('connections');
  if (collapsed) {
    return (
      <aside class="isidebar collapsed" data-testid="connections-sidebar" aria-label="Connections">
        <button type="button" class="sidebar-toggle" aria-expanded="false" title="Show connections and channels" aria-label="Show connections and channels" onClick={() => setCollapsed(false)}>
          ›
        </button>
      </aside>
    );
  }
  const conns = model?.connections(now) ?? [];
  const subs = model?.subscriptions(now) ?? [];
  return (
    <aside class="isidebar" data-testid="connections-sidebar" aria-label="Connections" data-version={version}>
      <div class="sidebar-tabs" role="tablist" aria-label="Sidebar">
        <button type="button" role="tab" aria-selected={tab === 'connections'} class={tab === 'connections' ? 'selected' : ''} onClick={() => setTab('connections')}>
          Connections{conns.length ? ` (${conns.length})` : ''}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'channels'} class={tab === 'channels' ? 'selected' : ''} onClick={() => setTab('channels')}>
          Channels
        </button>
        <span class="spacer" />
        <button type="button" class="sidebar-toggle" aria-expanded="true" title="Hide the sidebar" aria-label="Hide the sidebar" onClick={() => setCollapsed(true)}>
          ‹
        </button>
      </div>
      <div class="sidebar-body">
        {tab === 'channels' ? (
          <ChannelTree nodes={model?.channelTree() ?? []} filterText={filterText} onFilterText={onFilterText} />
        ) : conns.length === 0 ? (
          <p class="empty small" data-testid="sidebar-empty">{EMPTY_CONNECTIONS}</p>
        ) : (
          <ConnectionList conns={conns} subs={subs} now={now ?? model?.stats().lastAt ?? 0} filterText={filterText} onFilterText={onFilterText} labels={labels} frames={frames} />
        )}
      </div>
    </aside>
  );
}

interface ListProps {
  readonly conns: readonly ConnectionView[];
  readonly subs: readonly SubscriptionView[];
  readonly now: number;
  readonly filterText: string;
  readonly onFilterText: (text: string) => void;
  readonly labels: ConnectionLabels | undefined;
  readonly frames: Props['frames'];
}

function ConnectionList({ conns: unordered, subs, now, filterText, onFilterText, labels, frames }: ListProps) {
  // In the order of their names (#0, #1, …, then HTTP endpoints and workers): the model
  // numbers connections as it learns them, which for those learned from their records is the
  // records' key order, not creation order.
  const conns = labels ? [...unordered].sort((a, b) => rank(a, labels) - rank(b, labels) || a.index - b.index) : unordered;
  // The newest connections matter most in a long session.
  const shown = conns.length > MAX_CONNECTIONS ? conns.slice(conns.length - MAX_CONNECTIONS) : conns;
  return (
    <ul class="conn-list">
      {conns.length > shown.length && <li class="muted more">{(conns.length - shown.length).toLocaleString()} older connections not listed; filter with conn:N.</li>}
      {shown.map((c) => {
        // Without a connection-level auth header, operations carry their own (each subscribe).
        const opModes = c.auth ? [] : [...new Set(c.subscriptions.map((i) => subs[i]?.authMode).filter((m): m is string => typeof m === 'string'))];
        const t = connectionText(c, now, opModes, labels);
        const token = `conn:${t.token}`;
        const active = hasTokens(filterText, 'conn', [token]);
        const own = c.subscriptions.length > MAX_SUBSCRIPTIONS ? c.subscriptions.slice(-MAX_SUBSCRIPTIONS) : c.subscriptions;
        return (
          <li key={c.index} class={`conn-item state-${c.state} health-${t.health}${active ? ' active' : ''}`} data-testid="connection-item" data-conn={t.token} data-state={c.state} data-health={t.health}>
            <button type="button" class="conn-head" aria-pressed={active} title={active ? 'Show every connection' : `Show only ${t.label}'s frames`} onClick={() => onFilterText(toggleTokens(filterText, 'conn', [token], ['id']))}>
              <span class="conn-label">{t.label}</span>
              <span class={`badge state state-${c.state}`}>{t.state}</span>
              {c.origin !== 'page' && <span class={`badge origin origin-${c.origin}`} data-testid="connection-origin">{c.origin}</span>}
              <span class="conn-age muted">{t.age}</span>
            </button>
            <div class="conn-facts">
              <span class="muted" title={c.url}>{t.host}</span>
              <span>{c.origin === 'page' ? 'page' : c.origin} · {t.auth}</span>
              {frames?.has(c.connId) && (
                <span class="muted" data-testid="connection-frame" title={`Opened by ${frames.get(c.connId)!.url}`}>
                  from {frames.get(c.connId)!.text}
                </span>
              )}
              {t.stateDetail && <span class={`state-detail ${t.problem ? 'error' : 'muted'}`}>{t.stateDetail}</span>}
              {t.healthText && (
                <span class={`ka ka-${t.health}`} title={t.healthTitle}>
                  {t.healthText}
                </span>
              )}
            </div>
            {own.length > 0 && (
              <ul class="sub-list" aria-label={`Subscriptions of ${t.label}`}>
                {c.subscriptions.length > own.length && <li class="muted more">{(c.subscriptions.length - own.length).toLocaleString()} older subscriptions not listed</li>}
                {own.map((i) => {
                  const s = subs[i];
                  return s ? <SubscriptionItem key={i} s={s} connToken={token} filterText={filterText} onFilterText={onFilterText} /> : null;
                })}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A socket's number; everything else after the sockets. */
function rank(c: ConnectionView, labels: ConnectionLabels): number {
  const n = Number(labels.get(c.connId));
  return Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

function SubscriptionItem({ s, connToken, filterText, onFilterText }: { s: SubscriptionView; connToken: string; filterText: string; onFilterText: (text: string) => void }) {
  // Filter tokens end at a space: an id with one (page data) is filtered by its channel instead.
  const byId = !/\s/.test(s.id);
  const token = byId ? `id:${s.id}` : `channel:${s.channel ?? ''}`;
  const active = byId ? hasTokens(filterText, 'id', [token]) : hasTokens(filterText, 'channel', [token]);
  const state = subscriptionState(s);
  // Ids are per connection: the subscription's own connection goes with its id.
  const click = () => onFilterText(byId ? toggleSubscription(filterText, connToken, token) : toggleTokens(filterText, 'channel', [token]));
  return (
    <li class={`sub-item state-${s.state}${active ? ' active' : ''}`} data-testid="subscription-item" data-channel={s.channel ?? ''} data-state={state}>
      <button type="button" aria-pressed={active} title={s.error ?? (active ? 'Show every frame' : `Show only this subscription's frames (id ${s.id})`)} onClick={click}>
        <span class="sub-channel">{s.channel ?? '(no channel)'}</span>
        <span class={`badge state state-${s.state}`}>{state}</span>
        <span class="sub-count" title="Data events received">{s.events.toLocaleString()} ev</span>
        <span class="sub-meta muted">
          id {s.id}
          {s.rate > 0 ? ` · ${formatRate(s.rate)}` : ''}
          {s.broadcastErrors > 0 ? ` · ${s.broadcastErrors} broadcast errors` : ''}
        </span>
      </button>
      {s.error && <span class="error sub-error">{s.error}</span>}
    </li>
  );
}
