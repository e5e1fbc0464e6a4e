// The inspector's parts render again only when their data changed, not when the view
// re-rendered with new handler closures.
import { afterEach, expect, test } from 'vitest';
import { cleanup, render } from '@testing-library/preact';
import { dataMemo, sameData } from '../../../extension/panel/components/data-memo.ts';
import { FrameTable } from '../../../extension/panel/views/inspector/frame-table.tsx';
import type { StoredFrame } from '../../../src/sessions/index.ts';

afterEach(cleanup);

test('sameData: handlers are not data; accessors and values are', () => {
  const get = (n: number) => n;
  expect(sameData({ count: 1, onSelect: () => 1 }, { count: 1, onSelect: () => 2 })).toBe(true);
  expect(sameData({ count: 1, frameAt: get }, { count: 1, frameAt: (n: number) => n })).toBe(false);
  expect(sameData({ count: 1, frameAt: get }, { count: 1, frameAt: get })).toBe(true);
  expect(sameData({ count: 1 }, { count: 2 })).toBe(false);
  expect(sameData({ count: 1, channelOf: undefined }, { count: 1, channelOf: get })).toBe(false);
  expect(sameData({ onClose: undefined }, { onClose: () => 0 })).toBe(false);
  expect(sameData({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  expect(sameData({ a: 1, b: 2 }, { a: 1 })).toBe(false);
});

test('a memoised table renders for new data, not for new handlers', () => {
  let reads = 0;
  const frameAt = (pos: number): StoredFrame => {
    reads++;
    return { pos, sock: 's', seq: pos, t: pos, conn: 's', dir: 'receive', type: 'ka', size: 11, text: '{"type":"ka"}', flags: 0 };
  };
  const posAt = (r: number) => r;
  const Part = dataMemo(FrameTable);
  const table = (count: number, selected: number[]) => (
    <div class="inspector">
      <Part count={count} frameAt={frameAt} posAt={posAt} version={count} selectedPos={null} selectedRow={-1} timeMode="relative" origin={0}
        onSelect={(_r, pos) => selected.push(pos)} onOpen={() => {}} onClose={() => {}} onToggleTime={() => {}} follow={false} />
    </div>
  );
  const picked: number[] = [];
  const view = render(table(10, picked));
  expect(reads).toBeGreaterThan(0);
  reads = 0;
  view.rerender(table(10, picked));
  expect(reads).toBe(0);
  view.rerender(table(11, picked));
  expect(reads).toBeGreaterThan(0);
});
