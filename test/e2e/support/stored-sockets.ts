// The sockets a page's sessions hold and the frames of one of them, read in an extension
// page through the bundled support/socket-reader.ts (loaded on first use).
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { bundleForPage } from '../../../scripts/lib/browser-launch.ts';
import type { StoredSocket } from './socket-reader.ts';

export type { StoredSocket };

interface SocketReader {
  storedSockets(pageUrl: string): Promise<StoredSocket[]>;
  socketFrames(pageUrl: string, sock: string): Promise<string[]>;
}

let readerCode: Promise<string> | null = null;
async function loaded(extPage: Page): Promise<void> {
  if (await extPage.evaluate(() => '__socketReader' in globalThis)) return;
  readerCode ??= bundleForPage(resolve(import.meta.dirname, 'socket-reader.ts'));
  await extPage.evaluate(await readerCode);
}
type WithReader = { __socketReader: SocketReader };

/** The `connecting` frames of the page's sessions, with the mark of uncaptured sockets. */
export async function storedSockets(extPage: Page, pageUrl: string): Promise<StoredSocket[]> {
  await loaded(extPage);
  return extPage.evaluate((u: string) => (globalThis as unknown as WithReader).__socketReader.storedSockets(u), pageUrl);
}

/** Direction and message type of every stored frame of one socket, in order. */
export async function socketFrames(extPage: Page, pageUrl: string, sock: string): Promise<string[]> {
  await loaded(extPage);
  return extPage.evaluate((u: string, k: string) => (globalThis as unknown as WithReader).__socketReader.socketFrames(u, k), pageUrl, sock);
}
