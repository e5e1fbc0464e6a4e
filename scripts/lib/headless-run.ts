// The headless half of `npm start`: click through the demo (WebSocket and HTTP publishes,
// one rejected publish, the second client), then read back what the extension stored and
// print it. Node side; the IndexedDB reading runs in an extension page (capture-summary.ts).
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { bundleForPage, gotoExtensionPage, waitFor } from './browser-launch.ts';
import type { CaptureSummary } from './capture-summary.ts';

export type { CaptureSummary };

/** Publishes from the demo page and its second client, waiting for each answer. */
export async function driveDemo(page: Page): Promise<void> {
  const shown = (): Promise<string> => page.evaluate(() => document.getElementById('events')?.textContent ?? '');
  const click = (selector: string): Promise<void> =>
    page.evaluate((s: string) => (document.querySelector(s) as HTMLElement | null)?.click(), selector);

  await waitFor(() => page.evaluate(() => document.querySelectorAll('#subs li').length >= 2), { what: 'the demo subscriptions', timeout: 20_000 });
  await click('button[value="ws"]');
  await waitFor(async () => (await shown()).includes('published 1 event'), { what: 'the WebSocket publish to be acknowledged' });
  await click('button[value="http"]');
  await waitFor(async () => (await shown()).includes('HTTP publish:'), { what: 'the HTTP publish to be answered' });
  await click('#bad-channel');
  await waitFor(async () => (await shown()).includes('publish_error'), { what: 'the rejected publish' });
  // The second client, in a same-origin frame, publishes over its own connection.
  const inFrame = (s: string): Promise<string> =>
    page.evaluate((sel: string) => {
      const doc = (document.getElementById('publisher') as HTMLIFrameElement | null)?.contentDocument;
      const el = doc?.querySelector(sel) as HTMLElement | null | undefined;
      if (sel.startsWith('button')) el?.click();
      return el?.textContent ?? '';
    }, s);
  await waitFor(async () => (await inFrame('#pub-status')).includes('connected'), { what: 'the second client to connect' });
  await inFrame('button#publish-ws');
  await waitFor(async () => (await shown()).includes('oat milk'), { what: "the second client's event" });
}

let bundle: Promise<string> | undefined;

/** The extension's summary for pages of `origin`, read from an extension page. */
export async function readSummary(reader: Page, extensionPageUrl: string, origin: string): Promise<CaptureSummary | null> {
  if (!reader.url().startsWith(extensionPageUrl.split('?')[0]!)) await gotoExtensionPage(reader, extensionPageUrl);
  if (!(await reader.evaluate(() => '__captureSummary' in globalThis))) {
    bundle ??= bundleForPage(resolve(import.meta.dirname, 'capture-summary.ts'));
    await reader.evaluate(await bundle);
  }
  return reader.evaluate(
    (o: string) => (globalThis as unknown as { __captureSummary(p: string): Promise<CaptureSummary | null> }).__captureSummary(o),
    origin,
  );
}

/** Everything the demo drive produced is stored: its events, the HTTP publish, the error. */
export function summaryComplete(s: CaptureSummary): boolean {
  return (s.types['data'] ?? 0) >= 3 && (s.types['publish_error'] ?? 0) >= 1 && (s.directions['http-request'] ?? 0) >= 1 && (s.directions['http-response'] ?? 0) >= 1;
}

function counts(map: Record<string, number>): string {
  return Object.entries(map)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function formatSummary(s: CaptureSummary, ctx: { browser: string; demoUrl: string }): string {
  const event = s.event ? `${s.event.channel ?? '?'} ← ${JSON.stringify(s.event.value)}` : 'none';
  return [
    '',
    `Captured by the extension in ${ctx.browser} (headless) from ${ctx.demoUrl}:`,
    `  Session          "${s.sessionName}": ${s.frames} records, ${s.connections.websocket} WebSocket connection(s), ${s.connections.http} HTTP endpoint(s)`,
    `  Frames by type   ${counts(s.types)}`,
    `  By direction     ${counts(s.directions)}`,
    `  One event        ${event}`,
    `  Errors           ${s.errors.length ? s.errors.join('; ') : 'none'}`,
    '',
    'Run `npm start` with a display to see them in the panel.',
  ].join('\n');
}
