// The inspector's frame table: column headers, fixed-height rows, only the rows in view in
// the DOM, and DevTools-like keys (↑/↓, Page Up/Down, Home/End, Enter opens the detail, Esc
// closes it). It follows new rows only while scrolled to the bottom.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { FrameFlag, NOT_FROM_NETWORK, type StoredFrame } from '../../../../src/sessions/index.ts';
import { describeRow, type TimeMode } from './row-format.ts';
import type { ConnectionLabels } from './filter-query.ts';
import { scrollToReveal, tableWindow } from './table-window.ts';
import { Mark } from '../../../../src/traffic/index.ts';

export const ROW_HEIGHT = 20;
/**
 * Rows are keyed by their slot (row index modulo this), not by frame: scrolling then
 * rewrites the text of the row elements in place instead of creating and removing them.
 * Larger than any window of rows.
 */
const SLOTS = 1024;

export interface FrameTableProps {
  readonly count: number;
  /** Read on every render; a change of `version` re-renders. */
  readonly frameAt: (row: number) => StoredFrame | undefined;
  /** The position shown in a row, known before its frame is read. */
  readonly posAt: (row: number) => number;
  readonly version: number;
  readonly selectedPos: number | null;
  /** Row of the selected position, or -1 when the filter hides it. */
  readonly selectedRow: number;
  readonly timeMode: TimeMode;
  readonly origin: number;
  readonly channelOf?: (f: StoredFrame) => string | undefined;
  /** The session's connection names (the Conn column). */
  readonly labels?: ConnectionLabels;
  /** The traffic model's row mark bits (Mark) for a position. */
  readonly markOf?: (pos: number) => number;
  /** trafficVersion: marks and resolved channels change without new rows. */
  readonly trafficVersion?: number;
  readonly onSelect: (row: number, pos: number) => void;
  readonly onOpen: () => void;
  readonly onClose: () => void;
  readonly onToggleTime: () => void;
  /** Start at the newest row and follow new ones (a live session); else start at the top. */
  readonly follow: boolean;
}

const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['mark', ''],
  ['time', 'Time'],
  ['dir', ''],
  ['conn', 'Conn'],
  ['type', 'Type'],
  ['chan', 'Channel'],
  ['id', 'Id'],
  ['size', 'Size'],
  ['summary', 'Summary'],
];

/** The row's look from the model's mark: the worst of error frame/finding, warning, info. */
export function rowMark(bits: number, errorFrame: boolean): { kind?: 'error' | 'warning' | 'info'; cls: string; icon: string; label: string } {
  if (errorFrame || (bits & Mark.errorFrame) !== 0) return { kind: 'error', cls: ' error mark-error', icon: '✕', label: (bits & (Mark.error | Mark.warning)) !== 0 ? 'Error frame, with findings' : 'Error frame' };
  if ((bits & Mark.error) !== 0) return { kind: 'error', cls: ' mark-error', icon: '✕', label: 'Breaks a protocol rule: see the findings' };
  if ((bits & Mark.warning) !== 0) return { kind: 'warning', cls: ' mark-warning', icon: '⚠', label: 'Warning: see the findings' };
  if ((bits & Mark.info) !== 0) return { kind: 'info', cls: ' mark-info', icon: 'ℹ', label: 'Note: see the findings' };
  return { cls: '', icon: '', label: '' };
}

export function FrameTable(p: FrameTableProps) {
  const ref = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const atBottom = useRef(p.follow);
  /** The scrollTop the tail-follow last set: its own scroll event is not the user's. */
  const followedTo = useRef(-1);
  const pendingReveal = useRef<number | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight || 400);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight || 400));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Follow the tail only while the user is at the bottom. The bottom is computed from the
  // row count and the observed viewport, not read from the DOM: reading scrollHeight after
  // each growth forced a layout and a second render per live update. While following, the
  // window is placed from `bottom` and the scrollTop state is left as it is: setting it (and
  // again from the scroll event the write causes) rendered the whole table twice more per
  // live update.
  const following = atBottom.current && p.count > 0;
  const bottom = Math.max(0, tableWindow(0, viewport, ROW_HEIGHT, p.count).height - viewport);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !atBottom.current || p.count === 0) return;
    followedTo.current = bottom;
    el.scrollTop = bottom;
  }, [p.count, bottom]);

  useLayoutEffect(() => {
    const row = pendingReveal.current;
    const el = ref.current;
    if (row === null || !el) return;
    pendingReveal.current = null;
    const next = scrollToReveal(row, el.scrollTop, el.clientHeight || viewport, ROW_HEIGHT, p.count);
    if (next !== null) {
      el.scrollTop = next;
      setScrollTop(el.scrollTop);
    }
  });

  // A selection made elsewhere (a chain link, a finding) scrolls its row into view.
  const revealed = useRef(p.selectedRow);
  useLayoutEffect(() => {
    if (p.selectedRow === revealed.current) return;
    revealed.current = p.selectedRow;
    const el = ref.current;
    if (!el || p.selectedRow < 0) return;
    const next = scrollToReveal(p.selectedRow, el.scrollTop, el.clientHeight || viewport, ROW_HEIGHT, p.count);
    if (next !== null) {
      el.scrollTop = next;
      setScrollTop(el.scrollTop);
    }
  }, [p.selectedRow]);

  const w = tableWindow(following ? bottom : scrollTop, viewport, ROW_HEIGHT, p.count);

  const move = (row: number): void => {
    if (p.count === 0) return;
    const r = Math.max(0, Math.min(p.count - 1, row));
    pendingReveal.current = r;
    p.onSelect(r, p.posAt(r));
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    const at = p.selectedRow >= 0 ? p.selectedRow : Math.floor(w.top) - 1;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(at + 1),
      ArrowUp: () => move(p.selectedRow >= 0 ? at - 1 : Math.floor(w.top)),
      PageDown: () => move(at + page),
      PageUp: () => move(at - page),
      Home: () => move(0),
      End: () => move(p.count - 1),
      Enter: () => p.onOpen(),
      Escape: () => p.onClose(),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };

  const rows = [];
  for (let i = w.start; i < w.end; i++) {
    const f = p.frameAt(i);
    if (!f) {
      rows.push(
        <div class="frow loading" role="row" aria-rowindex={i + 2} key={i % SLOTS}>
          <span class="summary" role="gridcell">…</span>
        </div>,
      );
      continue;
    }
    const t = describeRow(f, p.timeMode, p.origin, p.channelOf, p.labels);
    const selected = f.pos === p.selectedPos;
    const mark = rowMark(p.markOf?.(f.pos) ?? 0, t.error);
    const cls = `frow dir-${f.dir}${f.flags & NOT_FROM_NETWORK ? ' not-server' : ''}${f.flags & FrameFlag.blocked ? ' blocked' : ''}${mark.cls}${selected ? ' selected' : ''}`;
    rows.push(
      <div
        class={cls}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selected}
        key={i % SLOTS}
        data-pos={f.pos}
        data-mark={mark.kind}
        onMouseDown={() => p.onSelect(i, f.pos)}
        onDblClick={() => p.onOpen()}
      >
        <span class="mark" role="gridcell" title={mark.label || undefined} aria-label={mark.label || undefined}>{mark.icon}</span>
        <span class="time" role="gridcell">{t.time}</span>
        <span class="dir" role="gridcell" title={t.dirTitle} aria-label={t.dirTitle}>{t.dir}</span>
        <span class="conn" role="gridcell" title={f.conn}>{t.conn}</span>
        <span class="type" role="gridcell">{t.type}</span>
        <span class="chan" role="gridcell" title={t.channel}>{t.channel}</span>
        <span class="id" role="gridcell" title={t.id}>{t.id}</span>
        <span class="size" role="gridcell">{t.size}</span>
        <span class="summary" role="gridcell">{t.summary}</span>
      </div>,
    );
  }

  return (
    <div class="ftable" role="grid" aria-label="Frames" aria-rowcount={p.count + 1} aria-readonly="true">
      <div class="frow head" role="row" aria-rowindex={1} ref={head}>
        {COLUMNS.map(([cls, label]) =>
          cls === 'time' ? (
            <span class={cls} role="columnheader" key={cls}>
              <button type="button" class="time-toggle" onClick={p.onToggleTime} title="Switch between time since the session started and clock time. Rows are in the order they were recorded; a socket of another frame can show an earlier time than the row above it">
                {p.timeMode === 'relative' ? 'Time (rel.)' : 'Time (clock)'}
              </button>
            </span>
          ) : (
            <span class={cls} role="columnheader" key={cls} aria-label={cls === 'dir' ? 'Direction' : cls === 'mark' ? 'Errors and findings' : undefined}>
              {label}
            </span>
          ),
        )}
      </div>
      <div
        class="fbody"
        ref={ref}
        tabIndex={0}
        data-testid="frame-table"
        onKeyDown={onKeyDown}
        onScroll={(e) => {
          // No layout reads here (clientHeight, scrollHeight): they force a layout per event.
          const top = e.currentTarget.scrollTop;
          // The header sits outside the scroller; narrow panels scroll the columns sideways.
          if (head.current) head.current.scrollLeft = e.currentTarget.scrollLeft;
          if (atBottom.current && top === followedTo.current) return;
          atBottom.current = top + viewport >= w.height - ROW_HEIGHT;
          setScrollTop(top);
        }}
      >
        <div class="fspace" style={{ height: `${w.height}px` }}>
          <div class="fwin" style={{ transform: `translateY(${w.offset}px)` }}>
            {rows}
          </div>
        </div>
      </div>
    </div>
  );
}
