// The detail pane's "Chain": the conversation the selected frame belongs to, from the
// traffic model (subscribe → ack → its data frames → unsubscribe; publish → per-event
// results; HTTP request → response), every link selecting and revealing its frame; and the
// frame's findings in plain words.
import type { ChainLink, ChainRole, Correlation, Finding, TrafficModel } from '../../../../src/traffic/index.ts';
import type { LintFinding } from '../../../../src/protocol/lint-rules.ts';
import { formatDuration } from './sidebar-format.ts';

/** Data frames linked by position before "show all". */
const FIRST_DATA = 5;
/** Per-event results listed before the rest are counted. */
const MAX_RESULTS = 50;

const ROLE: Readonly<Record<ChainRole, string>> = {
  subscribe: 'subscribe',
  'subscribe-ack': 'subscribe ack',
  data: 'data',
  'broadcast-error': 'broadcast_error',
  unsubscribe: 'unsubscribe',
  'unsubscribe-ack': 'unsubscribe ack',
  publish: 'publish',
  'publish-ack': 'publish ack',
  'http-request': 'HTTP request',
  'http-response': 'HTTP response',
};

function ackLabel(c: Correlation, l: ChainLink): string {
  if (l.role === 'subscribe-ack') return c.subscription?.state === 'failed' ? 'subscribe_error' : 'subscribe_success';
  if (l.role === 'publish-ack') return c.publish?.ackType ?? 'publish ack';
  if (l.role === 'http-response') return c.publish?.status ? `HTTP ${c.publish.status}` : 'HTTP failed';
  return ROLE[l.role];
}

interface LinkProps {
  readonly pos: number;
  readonly current: number;
  readonly label: string;
  readonly onFollow: (pos: number) => void;
}

function Link({ pos, current, label, onFollow }: LinkProps) {
  if (pos === current) {
    return (
      <span class="chain-link current" data-testid="chain-link" data-pos={pos} aria-current="true">
        {label} <span class="muted">#{pos}</span>
      </span>
    );
  }
  return (
    <button type="button" class="link chain-link" data-testid="chain-link" data-pos={pos} title={`Select frame #${pos}`} onClick={() => onFollow(pos)}>
      {label} <span class="muted">#{pos}</span>
    </button>
  );
}

interface Props {
  readonly model: TrafficModel;
  readonly pos: number;
  readonly now: number | undefined;
  readonly onFollow: (pos: number) => void;
  /** Filters the table to one subscription's frames (connection token, id token). */
  readonly onShowSubscription: (conn: number, id: string) => void;
}

export function ChainSection({ model, pos, now, onFollow, onShowSubscription }: Props) {
  const c = model.correlation(pos, now);
  if (!c) return null;
  const sub = c.subscription;
  const pub = c.publish;
  const first = sub ? model.dataPositions(sub.index, 0, FIRST_DATA) : [];
  const previous = sub?.previous !== undefined ? model.subscription(sub.previous, now) : undefined;
  return (
    <section class="chain" aria-label="Chain" data-testid="correlation-chain">
      <h3>Chain</h3>
      <ol class="chain-links">
        {c.links.map((l) => (
          <li key={`${l.role}-${l.pos}`}>
            <Link pos={l.pos} current={pos} label={ackLabel(c, l)} onFollow={onFollow} />
          </li>
        ))}
      </ol>
      {sub && (
        <div class="chain-facts">
          <span>
            {sub.channel ?? '(no channel)'} · id {sub.id} · {sub.state}
            {sub.error ? ` · ${sub.error}` : ''}
          </span>
          <span class="chain-data">
            {c.data?.count ? `${c.data.count.toLocaleString()} data frame${c.data.count === 1 ? '' : 's'}:` : 'No data frames yet.'}
            {first.map((p) => (
              <Link key={p} pos={p} current={pos} label="data" onFollow={onFollow} />
            ))}
            {(c.data?.count ?? 0) > first.length && c.data?.last !== undefined && <Link pos={c.data.last} current={pos} label="last" onFollow={onFollow} />}
            {(c.role === 'data' || c.role === 'broadcast-error') && !first.includes(pos) && pos !== c.data?.last && <Link pos={pos} current={pos} label={`this ${ROLE[c.role]}`} onFollow={onFollow} />}
            {(c.data?.count ?? 0) > 0 && (
              <button type="button" class="link" onClick={() => onShowSubscription(sub.conn, sub.id)}>
                show all
              </button>
            )}
          </span>
          {sub.inferred && <span data-testid="subscribed-before-capture">Subscribed before the capture began: its subscribe and ack are not in this session.</span>}
          {previous && (
            <span>
              Re-subscribed after a reconnect: <Link pos={previous.subscribePos} current={pos} label="earlier subscribe" onFollow={onFollow} />
            </span>
          )}
        </div>
      )}
      {pub && (
        <div class="chain-facts">
          <span>
            {pub.channel ?? '(no channel)'}
            {pub.id ? ` · id ${pub.id}` : ''} · {pub.events} event{pub.events === 1 ? '' : 's'} · {pub.state}
            {pub.latencyMs !== undefined ? ` · answered in ${formatDuration(pub.latencyMs)}` : ''}
          </span>
          {pub.results ? (
            <ul class="results" aria-label="Per-event results">
              {pub.results.failed.slice(0, MAX_RESULTS).map((f, i) => (
                <li key={`f${i}`} class="result failed" data-testid="publish-result" data-ok="false">
                  ✕ event {f.index ?? '?'} · {f.identifier ?? '(no identifier)'} · {[f.code, f.message].filter(Boolean).join(': ') || 'failed'}
                </li>
              ))}
              {pub.results.successful.slice(0, MAX_RESULTS).map((s, i) => (
                <li key={`s${i}`} class="result ok" data-testid="publish-result" data-ok="true">
                  ✓ event {s.index} · {s.identifier}
                </li>
              ))}
              {pub.results.failed.length + pub.results.successful.length > 2 * MAX_RESULTS && <li class="muted">…and more; see the ack’s Decoded view.</li>}
            </ul>
          ) : pub.ackPos !== undefined ? (
            <span class="muted">
              {pub.successCount} succeeded, {pub.failedCount} failed; the ack holds the identifiers.
            </span>
          ) : null}
          {pub.errors?.map((e, i) => (
            <span key={i} class="error">
              {[e.errorType, e.message].filter(Boolean).join(': ')}
            </span>
          ))}
        </div>
      )}
    </section>
  );
}

const ICON: Readonly<Record<string, string>> = { error: '✕', warning: '⚠', info: 'ℹ' };

/** The frame's findings: the stateless ones of the detail model and the model's, once per code. */
export function mergeFindings(local: readonly LintFinding[], history: readonly Finding[]): (LintFinding & { related?: readonly number[] })[] {
  const out: (LintFinding & { related?: readonly number[] })[] = [...history];
  for (const f of local) if (!out.some((h) => h.code === f.code && h.index === f.index)) out.push(f);
  return out;
}

export function FindingsList({ findings, onFollow }: { findings: readonly (LintFinding & { related?: readonly number[] })[]; onFollow: (pos: number) => void }) {
  if (findings.length === 0) return null;
  return (
    <ul class="findings" aria-label="Findings">
      {findings.map((f, i) => (
        <li key={i} class={`finding ${f.severity}`} data-testid="finding" data-code={f.code} data-severity={f.severity}>
          <span class="finding-icon" aria-hidden="true">{ICON[f.severity] ?? '•'}</span>
          <b>{f.severity}</b> {f.message} <span class="muted">({f.code})</span>
          {f.related?.slice(0, 5).map((p) => (
            <button type="button" key={p} class="link" onClick={() => onFollow(p)}>
              see #{p}
            </button>
          ))}
        </li>
      ))}
    </ul>
  );
}
