// The hook must be invisible: a page probing every observable corner of the WebSocket API
// (descriptors, toString, errors, event order, subclassing), the errors of misused
// WebSocket, fetch and XMLHttpRequest, and Function.prototype.toString of every realm it
// can reach gets exactly the same answers with the extension installed as without it. Each browser is compared with itself, since
// the browsers legitimately differ from each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { launch, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { collectRecords, socketIds, tabIdFor } from './support/records.ts';
import type { CaptureRecord } from '../../src/capture/records.ts';
import { startTestServer } from './support/server.ts';
import { LINK_EVENT } from '../../src/capture/disguise.ts';

const server = await startTestServer();
after(() => server.stop());

// The probe needs an echo peer (every message comes back as it went out). Its path ends in
// /event/realtime so the hook treats its sockets as AppSync ones and really taps them;
// otherwise the comparison would only show that untapped sockets are untouched.
const echo = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  path: '/event/realtime',
  // Accept the first offered subprotocol: the probe requires the offered one to be chosen.
  handleProtocols: (offered) => offered.values().next().value ?? false,
});
echo.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
await new Promise<void>((resolve) => (echo.address() ? resolve() : echo.once('listening', () => resolve())));
after(
  () =>
    new Promise<void>((resolve) => {
      for (const c of echo.clients) c.terminate();
      echo.close(() => resolve());
    }),
);
const echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}/event/realtime`;

const VARIANTS: ReadonlyArray<{ what: string; protocols: string[] }> = [
  { what: 'no subprotocols', protocols: [] },
  { what: 'the AppSync Events subprotocol', protocols: ['aws-appsync-event-ws'] },
];

async function probe(eb: ExtensionBrowser, protocols: string[]): Promise<{ summary: unknown; url: string }> {
  const page = await eb.browser.newPage();
  const url = server.pageUrl('capture-probe.html', `run=${Math.random().toString(36).slice(2)}`);
  await page.goto(url);
  await waitFor(() => page.evaluate(() => typeof (window as unknown as { __probeWebSocket?: unknown }).__probeWebSocket === 'function'), {
    what: 'probe loaded',
  });
  const summary = await page.evaluate(
    (u: string, p: string[]) =>
      (window as unknown as { __probeWebSocket(u: string, o: { protocols: string[] }): Promise<unknown> }).__probeWebSocket(u, { protocols: p }),
    echoUrl,
    protocols,
  );
  return { summary, url };
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`capture transparency (${name})`, () => {
    // The comparison needs both a browser with the extension and one without.
    let withExt: ExtensionBrowser;
    let bare: ExtensionBrowser;
    before(async () => {
      [withExt, bare] = await Promise.all([launch(name), launch(name, { extension: false })]);
    });
    after(() => Promise.all([withExt?.close(), bare?.close()]));

    // Errors thrown through the taps and Function.prototype.toString from every realm the
    // page can reach (top, an iframe in the HTML, about:blank, srcdoc and same-origin
    // iframes added by script, each read the moment it becomes reachable and once loaded).
    test('errors and toString look the same in every realm with and without the extension', async () => {
      const run = async (eb: ExtensionBrowser) => {
        const page = await eb.browser.newPage();
        try {
          await page.goto(server.pageUrl('capture-realms.html'));
          await waitFor(() => page.evaluate(() => typeof (window as unknown as { __probeRealms?: unknown }).__probeRealms === 'function'), {
            what: 'realm probe loaded',
          });
          return await page.evaluate(
            (u: string) => (window as unknown as { __probeRealms(u: string): Promise<unknown> }).__probeRealms(u),
            echoUrl,
          );
        } finally {
          await page.close().catch(() => {});
        }
      };
      const [hooked, plain] = await Promise.all([run(withExt), run(bare)]);
      const text = JSON.stringify(hooked);
      assert.ok(!/(chrome|moz)-extension:|<anonymous code>/.test(text), `no hook frame anywhere: ${text.match(/.{0,200}((chrome|moz)-extension:|<anonymous code>).{0,100}/)?.[0]}`);
      assert.ok(JSON.stringify(plain).includes('[native code]'), 'the baseline printed natives');
      assert.ok(JSON.stringify(plain).includes('"threw":true'), 'the baseline threw where the probe misuses the APIs');
      // Frames reached only through window[n] were really there to be probed.
      const plainRealms = (plain as { realms: Record<string, unknown> }).realms;
      for (const k of ['indexedCreatedSrc', 'indexedCreatedSrcdoc', 'indexedParsedAdjacent', 'indexedParsedInnerHTML', 'indexedFragment', 'indexedNested', 'indexedUpperCase', 'indexedForeignObject']) {
        assert.equal(typeof plainRealms[k], 'object', `${k} probed: ${JSON.stringify(plainRealms[k])}`);
      }
      // window[n] does not reach frames in shadow trees (realm-guard.ts relies on it).
      for (const k of ['shadowFromTemplate', 'movedShadowHost']) assert.match(String(plainRealms[k]), /no new frame/, k);
      // Frames the parser inserted, read through window[n] before they load, were there.
      const plainParsed = (plain as { parsed: Record<string, unknown> }).parsed;
      for (const k of ['parsedIndexed', 'parsedNamed', 'parsedFrames', 'writtenIndexed']) {
        assert.equal(typeof plainParsed[k], 'object', `${k} probed: ${JSON.stringify(plainParsed[k])}`);
      }
      // Own keys, location (SpiderMonkey's fileName/filename/lineNumber/columnNumber) and
      // stack text included, in both engines.
      assert.deepEqual(hooked, plain);
    });

    // The hooks of a page's same-origin realms link through an event at the parent window
    // (linkRealms in src/capture/disguise.ts). A page listening for it everywhere while
    // frames come and go hears nothing, with the extension as without it.
    test('a page listening for the realm-link event learns nothing', async () => {
      const run = async (eb: ExtensionBrowser) => {
        const page = await eb.browser.newPage();
        try {
          await page.goto(server.pageUrl('capture-realms.html'));
          // A string, not a function: the test runner's transform would add helpers the page lacks.
          return (await page.evaluate(`(async (name) => {
            const heard = [];
            function listen(target, where) {
              target.addEventListener(name, function () { heard.push(where + ' capture'); }, true);
              target.addEventListener(name, function () { heard.push(where + ' bubble'); });
            }
            listen(window, 'window');
            listen(document, 'document');
            const blank = document.createElement('iframe');
            document.body.appendChild(blank);
            const child = document.createElement('iframe');
            child.src = 'capture-plain-child.html';
            const loaded = new Promise(function (resolve) { child.addEventListener('load', resolve); });
            document.body.appendChild(child);
            await loaded;
            listen(child.contentWindow, 'child window');
            const grandchild = child.contentDocument.createElement('iframe');
            child.contentDocument.body.appendChild(grandchild);
            // Linked (with the extension): each frame's own toString prints the top's fetch as native.
            const prints = [blank, child, grandchild].map(function (f) { return f.contentWindow.Function.prototype.toString.call(fetch); });
            return { heard: heard, prints: prints };
          })(${JSON.stringify(LINK_EVENT)})`)) as { heard: string[]; prints: string[] };
        } finally {
          await page.close().catch(() => {});
        }
      };
      const [hooked, plain] = await Promise.all([run(withExt), run(bare)]);
      assert.deepEqual(hooked.heard, [], 'no link event reached a page listener');
      assert.equal(plain.prints.length, 3);
      assert.deepEqual(hooked, plain);
    });

    // A page that has read the extension's code dispatches the link event itself, at its
    // own window and at a same-origin child's, naming no window, its own and a loaded
    // child's, and looks whether it is answered (a registry on its holder) or swallowed (its
    // own listeners skipped). Only a frame's new document is answered (see LINK_EVENT).
    test('a page dispatching the realm-link event itself learns nothing', async () => {
      const run = async (eb: ExtensionBrowser) => {
        const page = await eb.browser.newPage();
        try {
          await page.goto(server.pageUrl('capture-realms.html'));
          return (await page.evaluate(`(async (name) => {
            const child = document.createElement('iframe');
            child.src = 'capture-plain-child.html';
            const loaded = new Promise(function (resolve) { child.addEventListener('load', resolve); });
            document.body.appendChild(child);
            await loaded;
            const seen = [];
            for (const [where, target] of [['window', window], ['child window', child.contentWindow]]) {
              let heard = 0;
              const listener = function () { heard++; };
              target.addEventListener(name, listener, true);
              for (const [named, win] of [['none', undefined], ['self', target], ['child', child.contentWindow], ['top', window]]) {
                const holder = Object.create(null);
                if (win) holder.window = win;
                let threw = false;
                const before = heard;
                try { target.dispatchEvent(new target.CustomEvent(name, { detail: holder })); } catch (e) { threw = true; }
                seen.push({ where: where, named: named, heard: heard - before, threw: threw, keys: Reflect.ownKeys(holder).map(String) });
              }
              target.removeEventListener(name, listener, true);
            }
            return seen;
          })(${JSON.stringify(LINK_EVENT)})`)) as unknown;
        } finally {
          await page.close().catch(() => {});
        }
      };
      const [hooked, plain] = await Promise.all([run(withExt), run(bare)]);
      assert.deepEqual(hooked, plain);
    });

    // A frame with src starts in an initial about:blank document where no content script
    // runs; realm-guard.ts taps that realm's WebSocket for the inserting window's hook
    // (realm-tap.ts). A same-origin load reuses the realm, and the frame's own hook wraps
    // that tap: each socket must still be recorded once, by one of them.
    test("sockets and publishes opened through a loading frame's initial realm are captured, and the loaded frame's once", async (t) => {
      const page = await withExt.browser.newPage();
      t.after(() => page.close().catch(() => {}));
      const url = server.pageUrl('capture-plain-child.html', `run=${Math.random().toString(36).slice(2)}`);
      await page.goto(url);
      const tabId = await tabIdFor(withExt, url);
      const c = await collectRecords(withExt, tabId);
      t.after(() => c.close());
      const at = (via: string) => `${echoUrl}?via=${via}`;
      // Every record so far (the collector hands over all it has seen); `via` marks a socket
      // only the browser's handshake report saw, which is not a capture.
      let latest: readonly CaptureRecord[] = [];
      const hooked = (rs: readonly CaptureRecord[], via: string) => ((latest = rs), socketIds(rs, (r) => r.url === at(via) && r.via === undefined));
      await page.evaluate(`(() => {
        const f = document.createElement('iframe');
        f.src = 'capture-plain-child.html?slow';
        document.body.appendChild(f);
        window.__sockets = [new WebSocket(${JSON.stringify(at('top'))}), new window[0].WebSocket(${JSON.stringify(at('initial-realm'))})];
        window[0].fetch('/event?via=initial-realm', { method: 'POST', body: '{}' }).catch(() => {});
      })()`);
      // The top window's socket is captured: the hook is working in this tab.
      await c.waitForRecords((rs) => hooked(rs, 'top').length > 0 || null, "the top window's socket");
      await c.waitForRecords((rs) => hooked(rs, 'initial-realm').length > 0 || null, "the initial realm's socket, captured by the hook");
      await waitFor(() => page.evaluate(`window[0].location.pathname.endsWith('capture-plain-child.html') && window[0].document.readyState === 'complete'`), { what: 'the frame loaded' });
      await page.evaluate(`window.__sockets.push(new window[0].WebSocket(${JSON.stringify(at('loaded-frame'))})); window[0].fetch('/event?via=loaded-frame', { method: 'POST', body: '{}' }).catch(() => {})`);
      await c.waitForRecords((rs) => hooked(rs, 'loaded-frame').length > 0 || null, "the loaded frame's socket");
      // Each outbox delivers in order: once a later socket of each hook is recorded, a second
      // record of the loaded frame's socket would have arrived before it.
      await page.evaluate(`window.__sockets.push(new WebSocket(${JSON.stringify(at('top-marker'))}), new window[0].WebSocket(${JSON.stringify(at('frame-marker'))}))`);
      await c.waitForRecords((rs) => (hooked(rs, 'top-marker').length > 0 && hooked(rs, 'frame-marker').length > 0) || null, 'both markers');
      assert.equal(hooked(latest, 'initial-realm').length, 1, "the initial realm's socket is recorded once");
      assert.equal(hooked(latest, 'loaded-frame').length, 1, "the loaded frame's socket is recorded once");
      assert.equal(hooked(latest, 'frame-marker').length, 1);
      // The same for HTTP publishes sent with the realm's fetch (each outbox is in order, and
      // the markers were created after them).
      const publishes = (via: string) => latest.filter((r) => r.kind === 'http-request' && r.url.endsWith(`/event?via=${via}`) && r.via === 'fetch').length;
      assert.equal(publishes('initial-realm'), 1, "the initial realm's publish is recorded once");
      assert.equal(publishes('loaded-frame'), 1, "the loaded frame's publish is recorded once");
    });

    for (const variant of VARIANTS) {
      test(`the WebSocket API looks the same with and without the extension (${variant.what})`, async () => {
        const [hooked, plain] = await Promise.all([probe(withExt, variant.protocols), probe(bare, variant.protocols)]);
        // A probe that timed out somewhere is not a meaningful baseline.
        assert.ok(!JSON.stringify(plain.summary).includes('"timeout"'), `baseline run complete: ${JSON.stringify(plain.summary).slice(0, 400)}`);
        const base = plain.summary as { socket?: unknown; subclass?: unknown };
        assert.ok(typeof base.socket === 'object' && typeof base.subclass === 'object', 'baseline sockets ran rather than threw');
        assert.deepEqual(hooked.summary, plain.summary);

        // And the hook really was in the way: the probe's sockets were captured.
        const tabId = await tabIdFor(withExt, hooked.url);
        const c = await collectRecords(withExt, tabId);
        try {
          const ids = await c.waitForRecords((rs) => {
            const found = socketIds(rs, (r) => r.url === echoUrl);
            return found.length >= 2 ? found : null;
          }, "the probe's sockets among the captured records");
          assert.ok(ids.length >= 2);
        } finally {
          await c.close();
        }
      });
    }
  });
}
