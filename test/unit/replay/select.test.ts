import { describe, expect, it } from 'vitest';
import { estimateItems, selectItems } from '../../../src/replay/index.ts';
import { sessionCounts } from '../../../src/sessions/index.ts';
import { collect, SocketScript, storedSession } from './fixtures.ts';

function script() {
  const a = new SocketScript('p:a', 1000);
  const records = [
    a.create(),
    a.open(),
    a.send({ type: 'subscribe', id: 's1', channel: '/default/orders' }),
    a.send({ type: 'subscribe', id: 's2', channel: 'default/news/*' }),
    a.receive({ type: 'subscribe_success', id: 's1' }),
    a.receive({ type: 'data', id: 's1', event: '{"n":1}' }),
    a.send({ type: 'publish', id: 'p1', channel: '/default/orders', events: ['{"n":2}', '{"n":3}'] }),
    a.receive({ type: 'publish_success', id: 'p1', successful: [], failed: [] }),
    a.receive({ type: 'data', id: 's2', event: '"breaking"' }),
    a.receive({ type: 'ka' }),
    a.http('/default/http'),
    a.truncated('{"type":"data","id":"s1","event":"{\\"big', 100_000),
  ];
  return records;
}

describe('selectItems', () => {
  it('reads no further than endPos, so a growing session does not replay its own output', async () => {
    const { db, session } = await storedSession(script());
    const bounded = await collect(selectItems(db, session.id, { what: 'received', endPos: 5 }));
    expect(bounded.map((i) => i.events)).toEqual([['{"n":1}']]);
    // A selection of positions is bounded by both.
    expect(await collect(selectItems(db, session.id, { what: 'received', positions: [5, 8], endPos: 6 }))).toHaveLength(1);
    expect(await collect(selectItems(db, session.id, { what: 'received', endPos: session.frameCount - 1 }))).toHaveLength(3);
  });

  it('streams received data events with their subscription channel', async () => {
    const { db, session } = await storedSession(script());
    const items = await collect(selectItems(db, session.id, { what: 'received' }));
    expect(items.map((i) => [i.source, i.channel, i.events, i.problem])).toEqual([
      ['received', '/default/orders', ['{"n":1}'], undefined],
      ['received', '/default/news/*', ['"breaking"'], undefined],
      ['received', '/default/orders', [], 'the capture kept only the start of this frame'],
    ]);
  });

  it('streams the page publishes, WebSocket and HTTP, in position order', async () => {
    const { db, session } = await storedSession(script());
    const items = await collect(selectItems(db, session.id, { what: 'published' }));
    expect(items.map((i) => [i.source, i.channel, i.events])).toEqual([
      ['ws-publish', '/default/orders', ['{"n":2}', '{"n":3}']],
      ['http-publish', '/default/http', ['"x"']],
    ]);
  });

  it('both: everything in position order; positions and channels narrow it', async () => {
    const { db, session } = await storedSession(script());
    const both = await collect(selectItems(db, session.id, { what: 'both' }));
    expect(both.map((i) => i.source)).toEqual(['received', 'ws-publish', 'received', 'http-publish', 'received']);
    expect(both.map((i) => i.pos)).toEqual([...both.map((i) => i.pos)].sort((x, y) => x - y));
    const picked = await collect(selectItems(db, session.id, { what: 'both', positions: [both[1]!.pos, both[3]!.pos] }));
    expect(picked.map((i) => i.pos)).toEqual([both[1]!.pos, both[3]!.pos]);
    const news = await collect(selectItems(db, session.id, { what: 'received', channels: ['/default/news/*'] }));
    expect(news.map((i) => i.events[0])).toEqual(['"breaking"']);
    expect(await collect(selectItems(db, session.id, { what: 'both', positions: [] }))).toEqual([]);
  });

  it('reads a large session in bounded batches, in order', async () => {
    const a = new SocketScript('p:big', 1000);
    const records = [a.create(), a.open(), a.send({ type: 'subscribe', id: 's', channel: '/d/c' })];
    for (let i = 0; i < 2000; i++) records.push(a.receive({ type: 'data', id: 's', event: String(i) }));
    const { db, session } = await storedSession(records);
    let n = 0;
    for await (const it of selectItems(db, session.id, { what: 'received', batchSize: 50 })) {
      expect(it.events[0]).toBe(String(n));
      n++;
    }
    expect(n).toBe(2000);
  });

  it('estimates the item count from the session counts', async () => {
    const { db, session } = await storedSession(script());
    const counts = await sessionCounts(db, session.id);
    expect(estimateItems(counts, 'received')).toBe(3);
    expect(estimateItems(counts, 'published')).toBe(2);
    expect(estimateItems(counts, 'both')).toBe(5);
  });
});
