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
