// Which rows a windowed table renders for a scroll position. Pure, so it is tested without
// a DOM. Past MAX_HEIGHT pixels the scroll range is scaled: browsers cap an element's
// height (Firefox near 17.9 million px), which a million rows of 20 px would exceed, so the
// scrollbar then maps proportionally onto rows instead of one pixel to one pixel.

export const MAX_HEIGHT = 8_000_000;

export interface TableWindow {
  readonly start: number;
  readonly end: number;
  /** translateY of the first rendered row, in px from the top of the scroll content. */
  readonly offset: number;
  /** Height of the scroll content. */
  readonly height: number;
  /** The (fractional) row at the top of the viewport. */
  readonly top: number;
}

function geometry(count: number, rowHeight: number, viewport: number) {
  const full = count * rowHeight;
  const height = Math.min(full, MAX_HEIGHT);
  const maxScroll = Math.max(0, height - viewport);
  const maxTop = Math.max(0, count - viewport / rowHeight);
  return { full, height, scaled: full > height, maxScroll, maxTop };
}

export function tableWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): TableWindow {
  const g = geometry(count, rowHeight, viewport);
  const top = g.scaled ? (g.maxScroll > 0 ? (Math.min(scrollTop, g.maxScroll) / g.maxScroll) * g.maxTop : 0) : scrollTop / rowHeight;
  const first = Math.floor(top);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + Math.ceil(viewport / rowHeight) + 1 + overscan);
  const offset = g.scaled ? scrollTop - (top - start) * rowHeight : start * rowHeight;
  return { start, end: Math.max(start, end), offset, height: g.height, top };
}

/** The scrollTop that puts `row` at the top of the viewport. */
export function scrollTopFor(row: number, viewport: number, rowHeight: number, count: number): number {
  const g = geometry(count, rowHeight, viewport);
  if (!g.scaled) return row * rowHeight;
  return g.maxTop > 0 ? (Math.min(row, g.maxTop) / g.maxTop) * g.maxScroll : 0;
}

/** The scrollTop that brings `row` into view with the least movement (or null: in view). */
export function scrollToReveal(row: number, scrollTop: number, viewport: number, rowHeight: number, count: number): number | null {
  const { top } = tableWindow(scrollTop, viewport, rowHeight, count, 0);
  const visible = Math.max(1, Math.floor(viewport / rowHeight));
  if (row < top) return scrollTopFor(row, viewport, rowHeight, count);
  if (row > top + visible - 1) return scrollTopFor(row - visible + 1, viewport, rowHeight, count);
  return null;
}
