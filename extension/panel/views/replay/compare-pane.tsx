// Compare two sessions: counts, a side-by-side list with the differences highlighted
// (missing on the left only, extra on the right only, reordered where both have it out of
// order), paged so a long session costs one page of frames, and a JSON report to export.
import { useEffect } from 'preact/hooks';
import type { SessionRecord } from '../../../../src/sessions/index.ts';
import type { ReplayWhat, Row } from '../../../../src/replay/index.ts';
import { pageRows, type CompareStore } from './compare-store.ts';
import { SessionPicker, WhatPicker } from './pickers.tsx';

function Cell({ store, side, index }: { store: CompareStore; side: 'left' | 'right'; index: number | undefined }) {
  const r = store.result.value;
  // Read here, not in the parent: signals skip re-rendering children whose props are equal.
  void store.described.value;
  if (index === undefined || !r) return <td class="cmp-cell empty-cell" />;
  const events = r[side];
  const pos = events.pos[index]!;
  const i = events.index[index]!;
  const d = store.cached(side, pos, i);
  // A publish of several events is one frame: its events are told apart by their index in it.
  const several = i > 0 || (index + 1 < events.pos.length && events.pos[index + 1] === pos && events.index[index + 1]! > 0);
  return (
    <td class="cmp-cell">
      <span class="cmp-pos" title={several ? `frame #${pos}, event ${i} of its publish` : `frame #${pos}`}>
        #{pos}
        {several ? `[${i}]` : ''}
      </span> <span class="cmp-chan">{d?.channel ?? ''}</span> <code class="cmp-event">{d?.event ?? '…'}</code>
    </td>
  );
}

const STATUS_TEXT: Record<Row['status'], string> = { matched: '=', missing: 'missing', extra: 'extra', reordered: 'reordered' };

export function ComparePane({ store, sessions }: { store: CompareStore; sessions: readonly SessionRecord[] }) {
  const f = store.form.value;
  const result = store.result.value;
  const diffOnly = store.diffOnly.value;
  const page = store.page.value;
  const shown = result ? pageRows(result, page, diffOnly) : { rows: [], pages: 0 };
  useEffect(() => {
    if (shown.rows.length > 0) void store.load(shown.rows);
  }, [result, page, diffOnly]);
  const what = (v: ReplayWhat) => v;
  return (
    <section class="compare" aria-label="Compare sessions">
      <form
        class="replay-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void store.run(sessions);
        }}
      >
        <fieldset>
          <legend>Left</legend>
          <SessionPicker label="Left session" sessions={sessions} value={f.left} onChange={(left) => store.update({ left })} testId="compare-left" />
          <WhatPicker name="left-what" value={f.leftWhat} onChange={(v) => store.update({ leftWhat: what(v) })} />
        </fieldset>
        <fieldset>
          <legend>Right</legend>
          <SessionPicker label="Right session" sessions={sessions} value={f.right} onChange={(right) => store.update({ right })} testId="compare-right" />
          <WhatPicker name="right-what" value={f.rightWhat} onChange={(v) => store.update({ rightWhat: what(v) })} />
        </fieldset>
        <fieldset>
          <legend>Match on</legend>
          <label>
            Ignore JSON fields <input type="text" placeholder="timestamp, meta.sentAt" value={f.ignoreFields} onInput={(e) => store.update({ ignoreFields: e.currentTarget.value })} />
          </label>
          <label>
            <input type="checkbox" checked={f.ignoreChannel} onChange={(e) => store.update({ ignoreChannel: e.currentTarget.checked })} /> Payload only (ignore channels)
          </label>
          <button type="submit" data-testid="compare-run" disabled={store.status.value === 'running'}>
            {store.status.value === 'running' ? 'Comparing…' : 'Compare'}
          </button>
        </fieldset>
      </form>
      {store.error.value && (
        <p class="error" role="alert">
          {store.error.value}
        </p>
      )}
      {!result && store.status.value !== 'running' && <p class="empty">Pick two sessions (a capture and its replay, or two captures) and press Compare. Events are matched by channel and payload; ids and times never count.</p>}
      {result && (
        <>
          <div class="compare-head" data-testid="compare-counts" data-identical={String(result.identical)}>
            <span class={result.identical ? 'same' : 'differs'}>{result.identical ? 'Same events in the same order' : 'The sessions differ'}</span>
            <span data-count="matched">{result.counts.matched} matched</span>
            <span data-count="missing" class={result.counts.missing ? 'error' : ''}>{result.counts.missing} missing</span>
            <span data-count="extra" class={result.counts.extra ? 'warn' : ''}>{result.counts.extra} extra</span>
            <span data-count="reordered" class={result.counts.reordered ? 'warn' : ''}>{result.counts.reordered} reordered</span>
            <span class="hint">
              ({result.counts.left} left, {result.counts.right} right)
            </span>
            <label>
              <input type="checkbox" checked={diffOnly} onChange={(e) => ((store.diffOnly.value = e.currentTarget.checked), (store.page.value = 0))} /> Differences only
            </label>
            <button type="button" data-testid="compare-export" onClick={() => void store.exportReport()}>
              Export report (JSON)
            </button>
          </div>
          <div class="compare-scroll">
            <table class="compare-table">
              <thead>
                <tr>
                  <th>Left</th>
                  <th class="cmp-status">Status</th>
                  <th>Right</th>
                </tr>
              </thead>
              <tbody>
                {shown.rows.map((row) => (
                  <tr class={`cmp-row ${row.status}`} data-status={row.status}>
                    <Cell store={store} side="left" index={row.left} />
                    <td class="cmp-status">{STATUS_TEXT[row.status]}</td>
                    <Cell store={store} side="right" index={row.right} />
                  </tr>
                ))}
              </tbody>
            </table>
            {shown.rows.length === 0 && <p class="empty">{diffOnly ? 'No differences.' : 'Both sides are empty: there were no events of that kind in either session.'}</p>}
          </div>
          {shown.pages > 1 && (
            <div class="pager">
              <button type="button" disabled={page === 0} onClick={() => (store.page.value = page - 1)}>
                Previous
              </button>
              <span>
                Page {page + 1} of {shown.pages}
              </span>
              <button type="button" disabled={page + 1 >= shown.pages} onClick={() => (store.page.value = page + 1)}>
                Next
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
