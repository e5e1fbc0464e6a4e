// A windowed list: only the rows in view (plus a margin) are in the DOM, so a session of
// any size scrolls at the same cost. Rows have a fixed height.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export interface WindowRange {
  readonly start: number;
  readonly end: number;
}

/** Which rows to render for a viewport; pure so it can be tested without a DOM. */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 10): WindowRange {
  const first = Math.floor(scrollTop / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(viewport / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}

interface Props {
  readonly count: number;
  readonly rowHeight: number;
  readonly renderRow: (index: number) => ComponentChildren;
  /** Keep the newest row in view while the user has not scrolled away from the bottom. */
  readonly follow?: boolean;
  readonly label?: string;
}

export function VirtualList({ count, rowHeight, renderRow, follow = true, label }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const atBottom = useRef(true);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (el && follow && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [count, follow]);

  const { start, end } = visibleRange(scrollTop, viewport, rowHeight, count);
  const rows: ComponentChildren[] = [];
  for (let i = start; i < end; i++) rows.push(renderRow(i));

  return (
    <div
      class="vlist"
      ref={ref}
      role="list"
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
        setScrollTop(el.scrollTop);
      }}
    >
      <div style={{ height: `${count * rowHeight}px`, position: 'relative' }}>
        <div style={{ transform: `translateY(${start * rowHeight}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
