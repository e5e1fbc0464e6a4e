// The frame table's header stays over its columns when a narrow panel scrolls them sideways.
import { afterEach, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { FrameTable } from '../../../extension/panel/views/inspector/frame-table.tsx';
import type { StoredFrame } from '../../../src/sessions/index.ts';

afterEach(cleanup);

test('scrolling the rows sideways scrolls the header with them', () => {
  const frame = (pos: number): StoredFrame => ({ pos, sock: 's', seq: pos, t: pos, conn: 's', dir: 'receive', type: 'ka', size: 11, text: '{"type":"ka"}', flags: 0 });
  const noop = () => {};
  render(
    <div class="inspector">
      <FrameTable count={3} frameAt={frame} posAt={(r) => r} version={0} selectedPos={null} selectedRow={-1} timeMode="relative" origin={0} onSelect={noop} onOpen={noop} onClose={noop} onToggleTime={noop} follow={false} />
    </div>,
  );
  const body = screen.getByTestId('frame-table');
  const head = document.querySelector('.frow.head') as HTMLElement;
  body.scrollLeft = 120;
  fireEvent.scroll(body);
  expect(head.scrollLeft).toBe(body.scrollLeft);
  expect(head.scrollLeft).toBe(120);
});

test('following the tail renders each growth once; a scroll of the user stops following', () => {
  let reads = 0;
  const frame = (pos: number): StoredFrame => {
    reads++;
    return { pos, sock: 's', seq: pos, t: pos, conn: 's', dir: 'receive', type: 'ka', size: 11, text: '{"type":"ka"}', flags: 0 };
  };
  const noop = () => {};
  const table = (count: number) => (
    <div class="inspector">
      <FrameTable count={count} frameAt={frame} posAt={(r) => r} version={count} selectedPos={null} selectedRow={-1} timeMode="relative" origin={0} onSelect={noop} onOpen={noop} onClose={noop} onToggleTime={noop} follow={true} />
    </div>
  );
  const view = render(table(1_000));
  const body = screen.getByTestId('frame-table');
  const rowsShown = () => [...body.querySelectorAll('.frow')].length;
  reads = 0;
  view.rerender(table(2_000));
  // One render of the window at the new bottom, no second one for the scroll it caused.
  const perRender = rowsShown();
  expect(reads).toBeLessThanOrEqual(perRender);
  expect(body.textContent).toContain('+1.999 s');
  const followed = body.scrollTop;
  expect(followed).toBeGreaterThan(0);
  reads = 0;
  fireEvent.scroll(body);
  expect(reads).toBe(0);
  // The user scrolls to the top: the table leaves the tail and shows the first rows.
  body.scrollTop = 0;
  fireEvent.scroll(body);
  view.rerender(table(3_000));
  expect(body.scrollTop).toBe(0);
  expect(body.textContent).not.toContain('+2.999 s');
  expect(body.textContent).toContain('+0.000 s');
});
