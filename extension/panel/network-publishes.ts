// HTTP publishes from the inspected page's workers never pass through the page hook, but
// DevTools' network log sees them. Every `POST …/event` it reports is passed to the
// background, which keeps it only if the hook did not already record the same request.
import browser from 'webextension-polyfill';
import { isHttpPublish } from '../../src/protocol/endpoints.ts';
import { isKeptRequestHeader, isKeptResponseHeader, keptHeaders } from '../../src/protocol/http-headers.ts';
import type { ObservedHttpPublish } from '../../src/messaging/contracts.ts';

interface HarRequestLike {
  request: { method: string; url: string; headers: Array<{ name: string; value: string }>; postData?: { text?: string } };
  response: { status: number; headers?: Array<{ name: string; value: string }> };
  startedDateTime: string;
  time: number;
  getContent(callback?: (content: string) => void): Promise<[string, string]> | void;
}

function content(entry: HarRequestLike): Promise<string> {
  // Chrome calls back; Firefox (and the polyfill) return a promise.
  return new Promise((resolve) => {
    const maybe = entry.getContent((body) => resolve(body ?? ''));
    if (maybe && typeof (maybe as Promise<unknown>).then === 'function') {
      (maybe as Promise<[string, string]>).then(([body]) => resolve(body ?? ''), () => resolve(''));
    }
  });
}

export function watchNetworkPublishes(report: (publish: ObservedHttpPublish) => void): void {
  const network = browser.devtools?.network;
  if (!network) return;
  network.onRequestFinished.addListener(async (raw: unknown) => {
    const entry = raw as HarRequestLike;
    if (!isHttpPublish(entry.request.method, entry.request.url)) return;
    report({
      url: entry.request.url,
      method: entry.request.method,
      frameUrl: '',
      requestHeaders: keptHeaders(entry.request.headers, isKeptRequestHeader),
      requestBody: entry.request.postData?.text ?? '',
      status: entry.response.status,
      responseHeaders: keptHeaders(entry.response.headers ?? [], isKeptResponseHeader),
      responseBody: await content(entry),
      startedAt: Date.parse(entry.startedDateTime),
      duration: entry.time,
    });
  });
}
