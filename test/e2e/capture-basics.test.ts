// What the page hook captures, checked on the records the background delivers to a panel
// (the contract every consumer builds on), in both browsers: the first frame of an inline
// socket, frames from before any panel was open, sockets of other frames and realms, HTTP
// publishes, binary and large frames, and the panel's commands reaching the page's socket.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import type { CaptureRecord, HttpRequestSent, HttpResponseReceived, SocketId } from '../../src/capture/records.ts';
import { launch, storedMessageFlags, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { FrameFlag } from '../../src/sessions/types.ts';
import { collectRecords, describeSockets, label, ofSocket, seqsAreContiguous, socketIds, tabIdFor, textOf, type Collector } from './support/records.ts';
import { API_KEY, startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

const HANDSHAKE = ['ws-create', 'ws-open', 'connection_init', 'connection_ack', 'subscribe', 'subscribe_success'];

/** Labels of one socket's records without keep-alives, which may arrive at any point. */
function withoutKa(records: readonly CaptureRecord[]): string[] {
  return records.map(label).filter((l) => l !== 'ka');
}

type Win = Record<string, unknown> & { __socket: WebSocket; __ready: unknown };

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`capture basics (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    /** Opens a fixture page in a new tab; the page and any collector close with the test. */
    async function open(t: TestContext, fixture: string, query = ''): Promise<{ page: Page; url: string; tabId: number }> {
      const page = await eb.browser.newPage();
      t.after(() => page.close().catch(() => {}));
      const url = server.pageUrl(fixture, query);
      await page.goto(url);
      const tabId = await tabIdFor(eb, url);
      return { page, url, tabId };
    }
    async function collect(t: TestContext, tabId: number): Promise<Collector> {
      const c = await collectRecords(eb, tabId);
      t.after(() => c.close());
      return c;
    }
    /** Opens capture-socket.html and returns its emulator connection id as well. */
    async function openSocketPage(t: TestContext, query = '') {
      const known = new Set(server.connections);
      const opened = await open(t, 'capture-socket.html', query);
      await waitFor(() => opened.page.evaluate(() => (window as unknown as Win).__ready === true), { what: 'page subscribed' });
      const connId = server.connections.find((c) => !known.has(c));
      assert.ok(connId, 'the page has an emulator connection');
      return { ...opened, connId };
    }
    /** The one socket of a single-socket page, once its handshake is recorded. */
    async function onlySocket(c: Collector): Promise<SocketId> {
      return c.waitForRecords(
        (rs) => {
          const ids = socketIds(rs);
          const id = ids[0];
          // Thrown, the description ends up in the timeout message: which sockets, when, how seen.
          if (ids.length > 1) throw new Error(describeSockets(rs));
          return ids.length === 1 && id && ofSocket(rs, id).some((r) => label(r) === 'subscribe_success') ? (id as SocketId) : null;
        },
        'the page socket and its handshake',
      );
    }

    test('an inline <head> socket is captured from its first frame', async (t) => {
      const { page, tabId } = await open(t, 'inline-connect.html');
      await waitFor(() => page.evaluate(() => (window as unknown as Win).__ready === true), { what: 'page subscribed' });
      const c = await collect(t, tabId);
      const id = await onlySocket(c);
      const mine = ofSocket(await c.records(), id);
      assert.equal(mine[0]?.kind, 'ws-create');
      assert.deepEqual(withoutKa(mine).slice(0, HANDSHAKE.length), HANDSHAKE);
      assert.ok(seqsAreContiguous(mine), `seqs in order from 0: ${mine.map((r) => r.seq).join(',')}`);
    });

    test('a panel opened 5 s after the page connected still gets the earlier frames', async (t) => {
      const channel = `/default/late-${name}`;
      const { page, tabId } = await openSocketPage(t, `channel=${encodeURIComponent(channel)}`);
      // Data frames keep flowing while the page's own clock passes 5 s after it connected.
      let published = 0;
      await waitFor(
        async () => {
          server.publishJson(channel, [{ n: published++ }]);
          return page.evaluate(() => performance.now() > (window as unknown as { __connectedAt: number }).__connectedAt + 5000);
        },
        { what: '5 s of page time after connecting', timeout: 20_000, interval: 250 },
      );
      await waitFor(() => page.evaluate((n: number) => (window as unknown as { __data: unknown[] }).__data.length >= n, published), {
        what: 'every published event at the page',
      });

      const c = await collect(t, tabId);
      const openedAt = await page.evaluate(() => performance.timeOrigin + performance.now());
      const id = await onlySocket(c);
      const mine = await c.waitForRecords(
        (rs) => {
          const m = ofSocket(rs, id);
          return m.filter((r) => label(r) === 'data').length >= published ? m : null;
        },
        `${published} data frames`,
      );
      const create = mine[0];
      assert.equal(create?.kind, 'ws-create');
      // Same clock as the page (timeOrigin + performance.now()), so the gap is real page time.
      assert.ok(openedAt - create.t >= 5000, `collector opened ${Math.round(openedAt - create.t)} ms after the socket was created`);
      assert.deepEqual(withoutKa(mine).slice(0, HANDSHAKE.length), HANDSHAKE);
      const events = mine.filter((r) => label(r) === 'data').map((r) => (JSON.parse(textOf(r) ?? '{}') as { event: string }).event);
      assert.deepEqual(events, Array.from({ length: published }, (_, n) => JSON.stringify({ n })));
      assert.ok(seqsAreContiguous(mine), `seqs in order from 0: ${mine.map((r) => r.seq).join(',')}`);
    });

    test('sockets in a same-origin iframe, in a script-made about:blank iframe, and two at once', async (t) => {
      const { page, url, tabId } = await open(t, 'capture-frames.html');
      const childUrl = server.pageUrl('capture-frame-child.html');
      const c = await collect(t, tabId);
      // Which socket is which: by the channel of its subscribe.
      const byChannel = await c.waitForRecords(
        (rs) => {
          const found = new Map<string, CaptureRecord[]>();
          for (const id of socketIds(rs)) {
            const mine = ofSocket(rs, id);
            const sub = mine.find((r) => label(r) === 'subscribe');
            if (!sub || !mine.some((r) => label(r) === 'subscribe_success')) continue;
            found.set((JSON.parse(textOf(sub) ?? '{}') as { channel: string }).channel, mine);
          }
          return found.size >= 4 ? found : null;
        },
        'four subscribed sockets (two top-level, child frame, about:blank frame)',
        20_000,
      ).catch(async (error: unknown) => {
        const seen = await page.evaluate(() => JSON.stringify((window as unknown as Win).__ready));
        const rs = await c.records();
        throw new Error(`${String(error)}; page says ${seen}; recorded frames: ${JSON.stringify(socketIds(rs).map((id) => ofSocket(rs, id)[0]))}`);
      });
      assert.deepEqual([...byChannel.keys()].sort(), ['/default/a', '/default/b', '/default/blank', '/default/child']);
      const ids = [...byChannel.values()].map((rs) => rs[0]?.socketId);
      assert.equal(new Set(ids).size, 4, `distinct socket ids: ${ids.join(' ')}`);
      const frameOf = (ch: string) => {
        const first = byChannel.get(ch)?.[0];
        return first?.kind === 'ws-create' ? first.frameUrl : undefined;
      };
      // The test pages carry the API key in their query, which is redacted like every secret.
      const pathOf = (u: string | undefined) => u?.split('?')[0];
      assert.equal(pathOf(frameOf('/default/a')), pathOf(url));
      assert.equal(pathOf(frameOf('/default/b')), pathOf(url));
      assert.equal(pathOf(frameOf('/default/child')), pathOf(childUrl));
      assert.ok(!frameOf('/default/a')?.includes(API_KEY), 'no key in a stored frame URL');
      assert.equal(frameOf('/default/blank'), 'about:blank');
      for (const [ch, mine] of byChannel) {
        assert.deepEqual(withoutKa(mine).slice(0, HANDSHAKE.length), HANDSHAKE, `handshake of ${ch}`);
        assert.ok(seqsAreContiguous(mine), `seqs of ${ch} in order from 0: ${mine.map((r) => r.seq).join(',')}`);
      }
    });

    test('HTTP publishes via fetch and XMLHttpRequest, and a rejected one', async (t) => {
      const { page, tabId } = await open(t, 'capture-http.html');
      const c = await collect(t, tabId);
      type Seen = { status: number; body: string };
      const fetched = await page.evaluate((k: string) => (window as unknown as { __viaFetch(k: string, ch: string): Promise<Seen> }).__viaFetch(k, '/default/fetch'), API_KEY);
      const xhred = await page.evaluate((k: string) => (window as unknown as { __viaXhr(k: string, ch: string): Promise<Seen> }).__viaXhr(k, '/default/xhr'), API_KEY);
      const denied = await page.evaluate(() => (window as unknown as { __viaFetch(k: string, ch: string): Promise<Seen> }).__viaFetch('da2-wrongkey0000000000000000000', '/default/denied'));
      assert.equal(fetched.status, 200);
      assert.equal(xhred.status, 200);
      assert.equal(denied.status, 401);

      // A publish is recorded as a request when it starts and a response when it settles.
      const http = await c.waitForRecords((rs) => {
        const h = rs.filter((r): r is HttpRequestSent | HttpResponseReceived => r.kind === 'http-request' || r.kind === 'http-response');
        return h.filter((r) => r.kind === 'http-response').length >= 3 ? h : null;
      }, 'three http publishes');
      const byChannel = (ch: string) => {
        const req = http.find((r): r is HttpRequestSent => r.kind === 'http-request' && typeof r.requestBody === 'string' && r.requestBody.includes(`"${ch}"`));
        const res = http.find((r): r is HttpResponseReceived => r.kind === 'http-response' && req !== undefined && r.socketId === req.socketId && r.request === req.seq);
        return req && res ? { ...req, status: res.status, responseBody: res.responseBody } : undefined;
      };
      for (const [ch, via, seen] of [
        ['/default/fetch', 'fetch', fetched],
        ['/default/xhr', 'xhr', xhred],
        ['/default/denied', 'fetch', denied],
      ] as const) {
        const r = byChannel(ch);
        assert.ok(r, `http record of ${ch}`);
        assert.equal(r.via, via, `${ch} via`);
        assert.equal(r.method, 'POST');
        assert.ok(r.url.endsWith('/event'), r.url);
        assert.equal(r.status, seen.status, `${ch} status`);
        assert.equal(r.responseBody, seen.body, `${ch} response body as the app read it`);
        assert.equal(r.requestHeaders['content-type'], 'application/json');
      }
      for (const ch of ['/default/fetch', '/default/xhr']) {
        const body = JSON.parse(byChannel(ch)!.responseBody as string) as { successful: unknown[]; failed: unknown[] };
        assert.equal(body.successful.length, 1, `${ch} successful`);
        assert.deepEqual(body.failed, [], `${ch} failed`);
      }
      assert.ok(seqsAreContiguous(ofSocket(http, http[0]!.socketId)), 'http records of the page in seq order');
    });

    test('binary frames, received and sent, are recorded as {binary, size}', async (t) => {
      const { page, tabId, connId } = await openSocketPage(t);
      const c = await collect(t, tabId);
      const id = await onlySocket(c);

      const incoming = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
      assert.ok(server.sendRaw(connId, incoming));
      await waitFor(() => page.evaluate(() => (window as unknown as { __viaListener: string[] }).__viaListener.includes('(binary)')), {
        what: 'the binary frame at the page',
      });
      await page.evaluate(() => (window as unknown as Win).__socket.send(new Uint8Array(Array.from({ length: 300 }, (_, i) => 255 - (i % 256))).buffer));
      await waitFor(() => server.log.some((e) => e.kind === 'frame' && e.connId === connId && e.dir === 'in' && e.binary === true && e.size === 300), {
        what: 'the page binary frame at the emulator',
      });

      const mine = await c.waitForRecords((rs) => {
        const m = ofSocket(rs, id);
        return m.some((r) => r.kind === 'ws-send' && label(r) === 'binary') && m.some((r) => r.kind === 'ws-receive' && label(r) === 'binary') ? m : null;
      }, 'both binary frames');
      const received = mine.find((r) => r.kind === 'ws-receive' && label(r) === 'binary');
      const sent = mine.find((r) => r.kind === 'ws-send' && label(r) === 'binary');
      assert.ok(received?.kind === 'ws-receive' && typeof received.data === 'object' && 'binary' in received.data);
      assert.equal(received.data.size, 200);
      assert.equal(received.size, 200);
      // The preview is the frame's first bytes, so a hex view shows the real content.
      // Received frames arrive as Blobs (the default binaryType), whose bytes cannot be read
      // synchronously, so their preview may be empty; when there is one it is the first bytes.
      const preview = Buffer.from(received.data.preview, 'base64');
      assert.ok(preview.equals(incoming.subarray(0, preview.length)), `received preview is the first bytes: ${received.data.preview}`);
      assert.ok(sent?.kind === 'ws-send' && typeof sent.data === 'object' && 'binary' in sent.data);
      assert.equal(sent.data.size, 300);
      assert.equal(sent.size, 300);
      // An ArrayBuffer is readable at once: its preview must be its first bytes.
      const sentBytes = Buffer.from(Array.from({ length: 300 }, (_, i) => 255 - (i % 256)));
      const sentPreview = Buffer.from(sent.data.preview, 'base64');
      assert.ok(sentPreview.length > 0 && sentPreview.equals(sentBytes.subarray(0, sentPreview.length)), `sent preview is the first bytes: ${sent.data.preview}`);
      assert.ok(seqsAreContiguous(mine));
    });

    test('a 1 MB text frame each way is recorded whole', async (t) => {
      const { page, tabId, connId } = await openSocketPage(t);
      const c = await collect(t, tabId);
      const id = await onlySocket(c);
      const MB = 1024 * 1024;
      // JSON-shaped so the page's own client parses it like any message.
      const big = (fill: string) => {
        const head = '{"type":"big","pad":"';
        return head + fill.repeat(MB - head.length - 2) + '"}';
      };
      const out = big('s');
      const inc = big('r');
      await page.evaluate(
        (mb: number) => {
          const head = '{"type":"big","pad":"';
          (window as unknown as Win).__socket.send(head + 's'.repeat(mb - head.length - 2) + '"}');
        },
        MB,
      );
      assert.ok(server.sendRaw(connId, inc));
      await waitFor(() => page.evaluate((mb: number) => (window as unknown as { __viaListener: string[] }).__viaListener.some((d) => d.length === mb), MB), {
        what: 'the big frame at the page',
      });
      const mine = await c.waitForRecords((rs) => {
        const m = ofSocket(rs, id);
        return m.filter((r) => label(r) === 'big').length >= 2 ? m : null;
      }, 'both big frames');
      const sent = mine.find((r) => r.kind === 'ws-send' && label(r) === 'big');
      const received = mine.find((r) => r.kind === 'ws-receive' && label(r) === 'big');
      assert.ok(sent?.kind === 'ws-send' && received?.kind === 'ws-receive');
      assert.equal(sent.size, MB);
      assert.equal(received.size, MB);
      // Compared as booleans: a failing deepEqual of two 1 MB strings is unreadable.
      assert.ok(sent.data === out, `sent text kept whole (${typeof sent.data === 'string' ? sent.data.length : JSON.stringify(sent.data).slice(0, 80)})`);
      assert.ok(received.data === inc, `received text kept whole (${typeof received.data === 'string' ? received.data.length : JSON.stringify(received.data).slice(0, 80)})`);
      assert.ok(seqsAreContiguous(mine));
    });

    test("the panel's injectIncoming and sendOnSocket commands reach the page's socket", async (t) => {
      const { page, tabId, connId } = await openSocketPage(t);
      const c = await collect(t, tabId);
      const id = await onlySocket(c);

      const injected = JSON.stringify({ type: 'data', id: 'sub-1', event: JSON.stringify({ from: `devtools-${name}` }) });
      await c.post({ type: 'injectIncoming', socketId: id, data: injected });
      const seen = await waitFor(
        () =>
          page.evaluate((d: string) => {
            const w = window as unknown as { __viaHandler: string[]; __viaListener: string[] };
            return w.__viaHandler.includes(d) && w.__viaListener.includes(d) ? true : null;
          }, injected),
        { what: 'the injected message at the page handler and listener' },
      );
      assert.equal(seen, true);

      const sent = JSON.stringify({ type: 'devtools-send', id: `cmd-${name}` });
      await c.post({ type: 'sendOnSocket', socketId: id, data: sent });
      await waitFor(() => server.log.some((e) => e.kind === 'frame' && e.connId === connId && e.dir === 'in' && e.text === sent), {
        what: 'the sent frame at the emulator',
      });

      const mine = await c.waitForRecords((rs) => {
        const m = ofSocket(rs, id);
        return m.some((r) => r.kind === 'ws-send' && r.data === sent) && m.some((r) => r.kind === 'ws-receive' && r.data === injected) ? m : null;
      }, 'both commands recorded');
      const inj = mine.find((r) => r.kind === 'ws-receive' && r.data === injected);
      assert.ok(inj?.kind === 'ws-receive' && inj.injected === true, 'the injected frame is marked injected');
      // Exactly once: the hook's own message listener must not record it a second time.
      assert.equal(mine.filter((r) => r.kind === 'ws-receive' && r.data === injected).length, 1);
      assert.ok(seqsAreContiguous(mine));
      // And the session keeps the mark: the stored frame says the server never sent it.
      const stored = await waitFor(
        async () => (await storedMessageFlags(c.page, page.url())).find((f) => f.text.includes(`devtools-${name}`)) ?? null,
        { what: 'the injected frame stored' },
      );
      assert.equal(stored.flags & (FrameFlag.injected | FrameFlag.synthetic), FrameFlag.injected);
    });
  });
}
