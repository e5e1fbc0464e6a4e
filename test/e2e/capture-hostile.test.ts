// A hostile page against the page-side channel: forged handshakes (its own MessageChannel),
// messages shaped like the hook↔relay protocol, commands naming real socket ids (its own and
// another tab's, as if it had guessed the nonces), 50 MB strings, garbage, cyclic and deep
// objects, thousands at once. None of it may make the extension act: no command runs, no
// record lands in another tab, the page never gets hold of the real channel, and the
// extension keeps capturing the page's genuine sockets afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import type { CaptureRecord } from '../../src/capture/records.ts';
import { launch, storedMessageFlags, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { FrameFlag, NOT_FROM_NETWORK } from '../../src/sessions/types.ts';
import { collectRecords, describeSockets, label, ofSocket, seqsAreContiguous, socketIds, tabIdFor, type Collector } from './support/records.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

interface Hostile {
  handshakes: Array<{ mine: boolean; ports: number }>;
  portMessages: string[];
  seen: number;
  posted: number;
  errors: string[];
  ready: boolean;
  afterReady?: boolean;
  received: string[];
  victim: WebSocket;
}
type HostileWindow = {
  __hostile: Hostile & { stolen: MessagePort | null; overheard: string[]; restoreCall(): void };
  __stealPort(): void;
  __abusePort(ids: string[], nonces: string[], foreign: string[]): number;
  __attack(ids: string[], nonces: string[]): { posted: number; errors: number };
  __afterAttack(): void;
  __tamper(): void;
  __synthetic(text: string): void;
};

const nonceOf = (socketId: string) => socketId.slice(0, socketId.lastIndexOf(':'));
const mentionsAttack = (r: CaptureRecord) => /PWNED|FORGED|forged\.invalid/.test(JSON.stringify(r));

/** The one subscribed socket in a collector's records. */
async function subscribedSocket(c: Collector, what: string, exclude: readonly string[] = []): Promise<string> {
  return c.waitForRecords(
    (rs) => socketIds(rs).find((id) => !exclude.includes(id) && ofSocket(rs, id).some((r) => label(r) === 'subscribe_success')) ?? null,
    what,
  );
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`capture under a hostile page (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('forged channel messages do nothing, other tabs stay clean, capture keeps working', async (t) => {
      const pages: Page[] = [];
      const collectors: Collector[] = [];
      t.after(async () => {
        for (const c of collectors) await c.close();
        for (const p of pages) await p.close().catch(() => {});
      });

      // The bystander tab: a normal page with its own recorded socket.
      const other = await eb.browser.newPage();
      pages.push(other);
      const otherUrl = server.pageUrl('capture-socket.html', 'channel=/default/bystander');
      const known = new Set(server.connections);
      await other.goto(otherUrl);
      await waitFor(() => other.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'bystander subscribed' });
      const otherConn = server.connections.find((c) => !known.has(c));
      const otherCollector = await collectRecords(eb, await tabIdFor(eb, otherUrl));
      collectors.push(otherCollector);
      const otherSocket = await subscribedSocket(otherCollector, 'the bystander socket');

      // The hostile tab, recorded too, so its genuine traffic is seen flowing throughout.
      const hostile = await eb.browser.newPage();
      pages.push(hostile);
      const hostileUrl = server.pageUrl('capture-hostile.html');
      const beforeHostile = new Set(server.connections);
      await hostile.goto(hostileUrl);
      await waitFor(() => hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.ready), { what: 'hostile page subscribed' });
      const hostileConn = server.connections.find((c) => !beforeHostile.has(c));
      const hostileTab = await tabIdFor(eb, hostileUrl);
      const hostileCollector = await collectRecords(eb, hostileTab);
      collectors.push(hostileCollector);
      const victim = await subscribedSocket(hostileCollector, 'the hostile page socket');

      // The attack, naming real socket ids as if the page had guessed them.
      const ids = [victim, `${nonceOf(victim)}:1`, otherSocket];
      const started = Date.now();
      const result = await hostile.evaluate(
        (i: string[], n: string[]) => (window as unknown as HostileWindow).__attack(i, n),
        ids,
        [nonceOf(victim), nonceOf(otherSocket)],
      );
      // A few are refused by postMessage itself (not cloneable); the rest went out.
      assert.ok(result.posted >= 3900 && result.errors > 0, `posted ${result.posted}, refused ${result.errors}`);
      // Every posted message was dispatched (the page's own listener saw it), so anything the
      // extension would do about them has had its chance.
      await waitFor(() => hostile.evaluate((n: number) => (window as unknown as HostileWindow).__hostile.seen >= n, result.posted), {
        what: 'the flood dispatched',
        timeout: 30_000,
      });
      t.diagnostic(`${result.posted} forged messages dispatched in ${Date.now() - started} ms`);

      // A genuine but huge frame on the page's own socket: kept bounded, and nothing breaks.
      const HUGE = 50 * 1024 * 1024;
      await hostile.evaluate((n: number) => (window as unknown as HostileWindow).__hostile.victim.send('{"type":"huge","pad":"' + 'Z'.repeat(n) + '"}'), HUGE);
      // A real socket opened after the attack is still captured from its first frame.
      await hostile.evaluate(() => (window as unknown as HostileWindow).__afterAttack());
      await waitFor(() => hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.afterReady === true), { what: 'post-attack socket subscribed' });
      const afterSocket = await subscribedSocket(hostileCollector, 'the post-attack socket in the records', [victim]);
      // Firefox suspends an idle event page after 30 s (extensions.background.idle.timeout)
      // and the flood can take that long on a busy machine: the ports are then rebuilt.
      t.diagnostic(`collector reconnections: ${await hostileCollector.reconnects()}`);
      const hostileRecords = await hostileCollector.waitForRecords(
        (rs) => (ofSocket(rs, victim).some((r) => label(r) === 'truncated') ? rs : null),
        'the huge frame recorded',
        30_000,
      );
      const afterRecords = ofSocket(hostileRecords, afterSocket);
      assert.deepEqual(
        afterRecords.map(label).filter((l) => l !== 'ka').slice(0, 6),
        ['ws-create', 'ws-open', 'connection_init', 'connection_ack', 'subscribe', 'subscribe_success'],
      );
      assert.ok(seqsAreContiguous(afterRecords));
      const victimRecords = ofSocket(hostileRecords, victim);
      assert.ok(seqsAreContiguous(victimRecords), `victim seqs: ${victimRecords.map((r) => r.seq).join(',')}`);
      const huge = victimRecords.find((r) => label(r) === 'truncated');
      assert.ok(huge?.kind === 'ws-send' && typeof huge.data === 'object' && 'truncated' in huge.data);
      assert.equal(huge.data.length, HUGE + '{"type":"huge","pad":""}'.length);
      assert.ok(huge.data.text.length < huge.data.length, 'kept text is bounded');

      // No command ran: nothing injected into the page, nothing sent to the emulator.
      const h = await hostile.evaluate(() => {
        const x = (window as unknown as HostileWindow).__hostile;
        return { handshakes: x.handshakes, portMessages: x.portMessages, received: x.received };
      });
      assert.deepEqual(h.received.filter((d) => d.includes('PWNED')), [], 'the page socket received nothing injected');
      assert.ok(h.received.length > 0, 'the page socket did receive its genuine frames');
      assert.ok(!hostileRecords.some((r) => r.kind === 'ws-receive' && r.injected === true), 'no injected record');
      assert.ok(!hostileRecords.some(mentionsAttack), 'no forged record reached the hostile tab session');
      const sentByPages = server.log.filter((e) => e.kind === 'frame' && e.dir === 'in' && (e.connId === hostileConn || e.connId === otherConn));
      assert.ok(!sentByPages.some((e) => e.kind === 'frame' && e.text?.includes('PWNED')), 'nothing sent on the pages sockets');
      // The page never got hold of the real channel: every handshake it saw was its own, and
      // nothing ever answered on the ports it handed out.
      assert.ok(h.handshakes.length > 0, 'the page saw its own forged handshakes');
      assert.deepEqual(h.handshakes.filter((x) => !x.mine), [], 'no foreign handshake seen by the page');
      assert.deepEqual(h.portMessages, [], 'nothing answered on the forged ports');
      // Nothing forged reached the background at all, so it had nothing to reject.
      const status = await waitFor(() => hostileCollector.status(), { what: 'hostile tab status' });
      assert.equal(status.rejected, 0, `rejected ${status.rejected}`);
      assert.equal(status.recording, true);

      // The bystander tab is untouched and still recording.
      server.publishJson('/default/bystander', [{ after: 'attack' }]);
      const otherRecords = await otherCollector.waitForRecords(
        (rs) => (ofSocket(rs, otherSocket).some((r) => label(r) === 'data') ? rs : null),
        'the bystander still recording',
      );
      const otherNonces = new Set(socketIds(otherRecords).map(nonceOf));
      assert.deepEqual([...otherNonces], [nonceOf(otherSocket)], describeSockets(otherRecords));
      assert.deepEqual(otherRecords.filter((r) => !otherNonces.has(nonceOf(r.socketId))), [], 'only the bystander page records');
      assert.deepEqual(otherRecords.filter(mentionsAttack), [], 'nothing forged in the bystander session');
      assert.ok(seqsAreContiguous(ofSocket(otherRecords, otherSocket)));
      const otherSaw = await other.evaluate(() => (window as unknown as { __viaListener: string[] }).__viaListener);
      assert.deepEqual(otherSaw.filter((d) => d.includes('PWNED')), [], 'nothing injected into the bystander page');

      // The background still answers a newcomer, and both pages are alive.
      const fresh = await collectRecords(eb, hostileTab);
      collectors.push(fresh);
      const freshStatus = await waitFor(() => fresh.status(), { what: 'status from the background for a new panel port' });
      assert.equal(freshStatus.tabId, hostileTab);
      assert.equal(await hostile.evaluate(() => 1 + 1), 2);
      assert.equal(await other.evaluate(() => 1 + 1), 2);
    });

    test('patched built-ins and synthetic events do not change what is stored', async (t) => {
      const page = await eb.browser.newPage();
      t.after(() => page.close().catch(() => {}));
      const url = server.pageUrl('capture-hostile.html', 'tamper=1');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as HostileWindow).__hostile.ready), { what: 'tampering page subscribed' });
      const c = await collectRecords(eb, await tabIdFor(eb, url));
      t.after(() => c.close());
      const victim = await subscribedSocket(c, 'the tampering page socket');

      // Array.prototype.push/includes/indexOf, JSON.stringify, String.prototype.slice/
      // endsWith/includes, the MessagePort onmessage setter and postMessage are replaced;
      // then a synthetic message, then a real one from the service and a real send.
      await page.evaluate(() => (window as unknown as HostileWindow).__tamper());
      const synthetic = JSON.stringify({ type: 'data', id: 'sub-h', event: JSON.stringify({ SYNTHETIC: 1 }) });
      await page.evaluate((s: string) => (window as unknown as HostileWindow).__synthetic(s), synthetic);
      server.publishJson('/default/hostile', [{ real: 'after-tamper' }]);
      await waitFor(() => page.evaluate(() => (window as unknown as HostileWindow).__hostile.received.some((d) => d.includes('after-tamper'))), {
        what: 'the real event reached the page',
      });
      await page.evaluate(() => (window as unknown as HostileWindow).__hostile.victim.send('{"type":"publish","id":"p-real","channel":"/default/hostile","events":["\\"sent-after-tamper\\""]}'));
      const records = await c.waitForRecords(
        (rs) => {
          const mine = ofSocket(rs, victim);
          return mine.some((r) => r.kind === 'ws-receive' && JSON.stringify(r).includes('after-tamper')) &&
            mine.some((r) => r.kind === 'ws-send' && JSON.stringify(r).includes('sent-after-tamper'))
            ? mine
            : null;
        },
        'the real frames after the tampering recorded',
      );
      // A socket opened now, with the string and array checks answering "not AppSync", is
      // still captured: the hook's detection does not go through them.
      await page.evaluate(() => (window as unknown as HostileWindow).__afterAttack());
      await waitFor(() => page.evaluate(() => (window as unknown as HostileWindow).__hostile.afterReady === true), { what: 'post-tamper socket subscribed' });
      await subscribedSocket(c, 'the socket opened after the tampering, in the records', [victim]);
      assert.ok(!records.some((r) => JSON.stringify(r).includes('TAMPERED')), 'no record rewritten by a patched built-in');
      assert.ok(seqsAreContiguous(records), `seqs: ${records.map((r) => r.seq).join(',')}`);
      // The made-up event is kept (the app did see it) but marked as not from the network.
      const fake = records.filter((r) => r.kind === 'ws-receive' && typeof r.data === 'string' && r.data.includes('SYNTHETIC'));
      assert.equal(fake.length, 1, 'the synthetic event is recorded once');
      assert.ok(fake[0]!.kind === 'ws-receive' && fake[0]!.synthetic === true, 'and marked synthetic');
      const real = records.filter((r) => r.kind === 'ws-receive' && JSON.stringify(r).includes('after-tamper'));
      assert.ok(real.length === 1 && real[0]!.kind === 'ws-receive' && real[0]!.synthetic === undefined, 'the real frame is not marked');
      // The session keeps the marks: the stored synthetic frame says a page script sent it.
      const stored = await waitFor(async () => {
        const fs = await storedMessageFlags(c.page, url);
        const fake = fs.find((f) => f.text.includes('SYNTHETIC'));
        const real = fs.find((f) => f.text.includes('after-tamper'));
        return fake && real ? { fake: fake.flags & NOT_FROM_NETWORK, real: real.flags & NOT_FROM_NETWORK } : null;
      }, { what: 'the synthetic and the real frame stored' });
      assert.deepEqual(stored, { fake: FrameFlag.synthetic, real: 0 });
      // The hook never went through the patched built-ins: none saw a record or a port of its.
      const tamper = await page.evaluate(() => (window as unknown as { __hostile: { tamper: { calls: number; foreignPorts: number } } }).__hostile.tamper);
      assert.deepEqual(tamper, { calls: 0, foreignPorts: 0 });
    });

    describe("the hook's private port", () => {
      // One hostile tab tries to steal the port; a bystander tab checks that nothing it can
      // then say reaches elsewhere. Shared by the two tests below.
      let hostile: Page;
      let other: Page;
      let hostileCollector: Collector;
      let otherCollector: Collector;
      let hostileConn: string | undefined;
      let otherConn: string | undefined;
      let victim: string;
      let otherSocket: string;
      before(async () => {
        const known = new Set(server.connections);
        other = await eb.browser.newPage();
        const otherUrl = server.pageUrl('capture-socket.html', 'channel=/default/bystander-2');
        await other.goto(otherUrl);
        await waitFor(() => other.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'bystander subscribed' });
        otherConn = server.connections.find((c) => !known.has(c));
        otherCollector = await collectRecords(eb, await tabIdFor(eb, otherUrl));
        otherSocket = await subscribedSocket(otherCollector, 'the bystander socket');

        const beforeHostile = new Set(server.connections);
        hostile = await eb.browser.newPage();
        const hostileUrl = server.pageUrl('capture-hostile.html', 'steal=1');
        await hostile.goto(hostileUrl);
        await waitFor(() => hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.ready), { what: 'hostile page subscribed' });
        hostileConn = server.connections.find((c) => !beforeHostile.has(c));
        hostileCollector = await collectRecords(eb, await tabIdFor(eb, hostileUrl));
        victim = await subscribedSocket(hostileCollector, 'the hostile page socket');

        // Arm the trap, then make the hook post a batch (a data frame to record); once that
        // record is at the collector the hook has posted, and the trap had its chance.
        await hostile.evaluate(() => (window as unknown as HostileWindow).__stealPort());
        server.publishJson('/default/hostile', [{ bait: true }]);
        await hostileCollector.waitForRecords((rs) => ofSocket(rs, victim).some((r) => label(r) === 'data') || null, 'the bait frame recorded');
        await hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.restoreCall());
      });
      after(async () => {
        await hostileCollector?.close();
        await otherCollector?.close();
        await hostile?.close().catch(() => {});
        await other?.close().catch(() => {});
      });

      test('a page cannot obtain it by replacing Function.prototype.call', async () => {
          const stolen = await hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.stolen !== null);
          assert.equal(stolen, false, 'the page got hold of the hook port');
      });

      test('even with the port in hand, a page runs no command and reaches no other tab', async (t) => {
        const sent = await hostile.evaluate(
          (i: string[], n: string[], f: string[]) => (window as unknown as HostileWindow).__abusePort(i, n, f),
          [victim, otherSocket],
          [nonceOf(otherSocket)],
          // Only another tab's sockets: a page holding the port can already write whatever it
          // likes under its own nonce into its own session; that is its own data.
          [otherSocket, `${nonceOf(otherSocket)}:1`],
        );
        t.diagnostic(`${sent} messages sent on the stolen port`);
        // Genuine traffic afterwards on both tabs, to know everything before it was handled.
        server.publishJson('/default/hostile', [{ after: 'abuse' }]);
        server.publishJson('/default/bystander-2', [{ after: 'abuse' }]);
        const hostileRecords = await hostileCollector.waitForRecords(
          (rs) => (ofSocket(rs, victim).filter((r) => label(r) === 'data').length >= 2 ? rs : null),
          'the hostile page still recorded after the abuse',
        );
        const otherRecords = await otherCollector.waitForRecords(
          (rs) => (ofSocket(rs, otherSocket).some((r) => label(r) === 'data') ? rs : null),
          'the bystander still recorded after the abuse',
        );
        const h = await hostile.evaluate(() => (window as unknown as HostileWindow).__hostile.received);
        assert.deepEqual(h.filter((d) => d.includes('PWNED')), [], 'nothing injected into the hostile page');
        const otherSaw = await other.evaluate(() => (window as unknown as { __viaListener: string[] }).__viaListener);
        assert.deepEqual(otherSaw.filter((d) => d.includes('PWNED')), [], 'nothing injected into the bystander page');
        const inbound = server.log.filter((e) => e.kind === 'frame' && e.dir === 'in' && (e.connId === hostileConn || e.connId === otherConn));
        assert.ok(!inbound.some((e) => e.kind === 'frame' && e.text?.includes('PWNED')), 'nothing sent on either socket');
        // Records claiming another page's sockets are refused, whatever port they came on.
        assert.deepEqual(hostileRecords.filter(mentionsAttack), [], 'no forged record in the hostile session');
        assert.deepEqual(otherRecords.filter(mentionsAttack), [], 'no forged record in the bystander session');
        assert.deepEqual([...new Set(otherRecords.map((r) => nonceOf(r.socketId)))], [nonceOf(otherSocket)]);
        assert.ok(seqsAreContiguous(ofSocket(hostileRecords, victim)), 'the hostile socket still in order');
        assert.ok(seqsAreContiguous(ofSocket(otherRecords, otherSocket)), 'the bystander socket still in order');
      });
    });
  });
}
