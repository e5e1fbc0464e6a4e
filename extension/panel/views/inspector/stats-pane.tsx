// The Stats pane: events/s over time, counts per channel and per type, bytes in/out, errors
// and findings per severity, all from the traffic model. Channel names and types are page
// data: they are rendered as text only.
import { useMemo } from 'preact/hooks';
import type { TrafficModel } from '../../../../src/traffic/index.ts';
import { chartData, summarizeStats, type CountRow } from './stats-model.ts';
import { StatsChart } from './stats-chart.tsx';
import './stats-pane.css';

interface Props {
  readonly model: TrafficModel;
  /** The model's version when the parent rendered: the pane re-reads the model when it moves. */
  readonly version: number;
  readonly onClose?: () => void;
}

function Counts({ title, rows, other, testid }: { title: string; rows: readonly CountRow[]; other?: number; testid: string }) {
  return (
    <section class="stats-counts" aria-label={title}>
      <h3>{title}</h3>
      <table data-testid={testid}>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <td class="label" title={r.label}>
                {r.label}
              </td>
              <td class="num">{r.count.toLocaleString()}</td>
              <td class="bar">
                <span style={{ width: `${Math.max(1, Math.round(r.share * 100))}%` }} />
              </td>
            </tr>
          ))}
          {other !== undefined && other > 0 && (
            <tr class="other">
              <td class="label">other channels</td>
              <td class="num">{other.toLocaleString()}</td>
              <td />
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

export function StatsPane({ model, version, onClose }: Props) {
  // The model mutates in place; `version` is what says it changed.
  const stats = useMemo(() => model.stats(), [model, version]);
  const s = useMemo(() => summarizeStats(stats), [stats]);
  const data = useMemo(() => chartData(stats), [stats]);
  return (
    <aside class="stats-pane" data-testid="stats-pane" aria-label="Stats">
      <header>
        <h2>Stats</h2>
        {onClose && (
          <button type="button" onClick={onClose} aria-label="Close stats">
            ×
          </button>
        )}
      </header>
      {s.frames === 0 ? (
        <p class="empty" data-testid="stats-empty">
          No frames yet. Open a page that uses AppSync Events (or pick a stored session) and the counts appear here as frames arrive.
        </p>
      ) : (
        <>
          <dl class="stats-totals" data-testid="stats-totals">
            <div>
              <dt>frames</dt>
              <dd data-testid="stats-frames">{s.frames.toLocaleString()}</dd>
            </div>
            <div>
              <dt>bytes in</dt>
              <dd data-testid="stats-bytes-in">{s.bytesIn}</dd>
            </div>
            <div>
              <dt>bytes out</dt>
              <dd data-testid="stats-bytes-out">{s.bytesOut}</dd>
            </div>
            <div class={s.errors > 0 ? 'bad' : ''}>
              <dt>errors</dt>
              <dd data-testid="stats-errors">{s.errors.toLocaleString()}</dd>
            </div>
            <div class={s.findings.error > 0 ? 'bad' : ''}>
              <dt>findings: errors</dt>
              <dd data-testid="stats-findings-error">{s.findings.error.toLocaleString()}</dd>
            </div>
            <div class={s.findings.warning > 0 ? 'warnish' : ''}>
              <dt>warnings</dt>
              <dd data-testid="stats-findings-warning">{s.findings.warning.toLocaleString()}</dd>
            </div>
            <div>
              <dt>info</dt>
              <dd data-testid="stats-findings-info">{s.findings.info.toLocaleString()}</dd>
            </div>
            <div>
              <dt>peak data events/s</dt>
              <dd data-testid="stats-peak">{Math.round(s.peakEventsPerS).toLocaleString()}</dd>
            </div>
          </dl>
          {s.chartable ? <StatsChart data={data} /> : <p class="info">The chart appears once the session spans more than {stats.series.bucketMs / 1000} s.</p>}
          <div class="stats-lists">
            <Counts title="Top channels" rows={s.channels} other={s.otherChannels} testid="stats-channels" />
            <Counts title="Types" rows={s.types} testid="stats-types" />
          </div>
        </>
      )}
    </aside>
  );
}
