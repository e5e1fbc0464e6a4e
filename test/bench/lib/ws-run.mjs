// One measured run of the WebSocket receiver page in a fresh browser, under one condition:
//   bare      no extension
//   recording extension loaded and its panel open for the tab (so it records)
//   held      extension loaded, no panel: records wait in the page's bounded buffer
//   cdp       no extension; a CDP session with Network.enable and a webSocketFrameReceived
//             listener (what an open DevTools Network panel costs)
// Returns page-side frames/s and, for Chromium, CPU µs per frame by process kind between a
// snapshot after the warm-up and one after the run (for `recording`: after the panel has
// every record, so the cost of delivering them is included).

import { launchChromium, launchFirefox, openPanelFor, recordCount } from './browsers.mjs';
import { cpuDelta, foreignProbe, treeSnapshot } from './proc.mjs';
import { log, sleep, waitFor, withTimeout } from './util.mjs';

let runCounter = 0;

/** `blockRules`: stored (as the panel stores them, BLOCK_RULES_KEY) before the page loads. */
export async function runBurst({ browserName = 'chromium', cond, server, dist, n, warm, timeoutMs, blockRules }) {
  const run = `r${++runCounter}-${cond}`;
  const extensionDir = cond === 'recording' || cond === 'hidden' || cond === 'background' || cond === 'held' ? dist[browserName] : null;
  const eb = await (browserName === 'chromium' ? launchChromium({ extensionDir }) : launchFirefox({ extensionDir }));
  const cdpCount = { frames: 0 };
  try {
    return await withTimeout(
      (async () => {
        const page = await eb.firstPage();
        let panel = null;
        let tabId = null;
        if (cond === 'recording' || cond === 'hidden' || cond === 'background') {
          const blank = `${server.origin}/pages/blank.html?run=${run}`;
          await page.goto(blank);
          ({ panel, tabId } = await openPanelFor(eb, blank));
          if (blockRules) await panel.evaluate((r) => chrome.storage.local.set({ blockRules: r }), blockRules);
        }
        if (cond === 'cdp') {
          const session = await page.createCDPSession();
          session.on('Network.webSocketFrameReceived', () => cdpCount.frames++);
          await session.send('Network.enable');
        }
        const url = `${server.origin}/pages/ws.html?run=${run}&mode=burst&n=${n}&warm=${warm}`;
        const phase = server.next('phase', run, 60_000);
        const result = server.next('result', run, timeoutMs);
        result.catch(() => {});
        await page.goto(url);
        const warmDone = await phase;
        // Records must reach the panel before the measured run (and its work must be done).
        let panelAfterWarm = null;
        if (panel) {
          panelAfterWarm = await waitFor(async () => {
            const c = await recordCount(panel);
            return c >= warm ? c : null;
          }, { timeout: 30_000, what: 'warm-up records in the panel', interval: 100 });
        }
        // Recording with no panel open: the user's "always record" origin, then the panel
        // leaves. Reopened at the end to count what was stored; CPU is not reported (the
        // reopened panel reads the whole session). The settings as the panel stores them
        // (SETTINGS_KEY and CaptureSettings in src/recording/policy.ts).
        let reopen = null;
        if (cond === 'background') {
          await panel.evaluate((o) => chrome.storage.local.set({ captureSettings: { captureAll: false, alwaysRecordOrigins: [o] } }), server.origin);
          reopen = `extension/panel/panel.html?tabId=${tabId}`;
          await panel.goto('about:blank');
        }
        // DevTools showing another tool: what the DevTools page tells the panel
        // (PANEL_VISIBILITY_EVENT in src/messaging/contracts.ts).
        const tellPanel = (shown) => panel.evaluate((s) => dispatchEvent(new CustomEvent('appsync-devtools-panel-visibility', { detail: s })), shown);
        if (cond === 'hidden') await tellPanel(false);
        await sleep(300);
        const probe = foreignProbe();
        const before = eb.pid ? treeSnapshot(eb.pid) : null;
        warmDone.release();
        const res = await result;
        if (res.error) throw new Error(`page: ${res.error}`);
        const atEnd = eb.pid ? treeSnapshot(eb.pid) : null;
        if (cond === 'hidden') await tellPanel(true);
        if (reopen) await eb.gotoExtensionPage(panel, reopen);
        let panelCount = null;
        let panelLagMs = null;
        let after = atEnd;
        if (panel) {
          const expected = warm + n;
          const t = Date.now();
          panelCount = await waitFor(async () => {
            const c = await recordCount(panel);
            return c >= expected ? c : null;
          }, { timeout: 120_000, what: `${expected} records in the panel`, interval: 50 }).catch(async () => recordCount(panel));
          panelLagMs = Date.now() - t;
          after = eb.pid ? treeSnapshot(eb.pid) : null;
        }
        const foreign = probe.finish(before, after);
        const cpu = before && after ? cpuDelta(before, after, n) : null;
        return {
          run,
          cond,
          browser: browserName,
          fps: res.fps,
          ms: res.ms,
          received: res.received,
          visibility: res.visibility,
          panelAfterWarm,
          panelCount,
          panelExpected: panel ? warm + n : null,
          panelLagMs,
          cdpFrames: cond === 'cdp' ? cdpCount.frames : null,
          cpu: reopen ? null : (cpu?.perFrame ?? null),
          foreign,
        };
      })(),
      timeoutMs + 120_000,
      `run ${run}`,
    );
  } catch (error) {
    log(`run ${run} failed: ${error.message}`);
    return { run, cond, browser: browserName, error: error.message };
  } finally {
    await eb.close();
  }
}
