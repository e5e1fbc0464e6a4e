// HTTP publishes can be seen twice: by the page hook (fetch/XHR of the page) and by
// DevTools' network log (which also sees workers' requests). The hook's record is the one
// kept; a network observation is recorded only when no hook record matches it.

import type { CaptureRecord } from '../capture/records.ts';

export interface PublishSighting {
  readonly url: string;
  readonly requestBody: string | { readonly text: string };
  readonly startedAt: number;
}

/** How far apart the two clocks' start times of one request may be. */
const SAME_REQUEST_MS = 3_000;
/** Sightings older than this are forgotten. */
const HORIZON_MS = 60_000;

function key(s: PublishSighting): string {
  const body = typeof s.requestBody === 'string' ? s.requestBody : s.requestBody.text;
  return `${s.url}\n${body}`;
}

export function createPublishDeduper(now: () => number = Date.now) {
  const fromPage = new Map<string, number[]>();

  function prune(): void {
    const limit = now() - HORIZON_MS;
    for (const [k, times] of fromPage) {
      const kept = times.filter((t) => t >= limit);
      if (kept.length) fromPage.set(k, kept);
      else fromPage.delete(k);
    }
  }

  function sawFromPage(s: PublishSighting): void {
    const k = key(s);
    const times = fromPage.get(k) ?? [];
    times.push(s.startedAt);
    fromPage.set(k, times);
    if (fromPage.size > 512) prune();
  }

  return {
    sawFromPage,
    /** Any record from the page: publishes (their request records) are remembered, the rest ignored. */
    sawRecord(r: CaptureRecord): void {
      if (r.kind === 'http-request') sawFromPage({ url: r.url, requestBody: r.requestBody, startedAt: r.t });
      else if (r.kind === 'http') sawFromPage(r);
    },
    sawFromNetwork(_s: PublishSighting): void {
      prune();
    },
    /** True when the page never reported this request; a matching page record is consumed. */
    takeIfUnmatched(s: PublishSighting): boolean {
      const k = key(s);
      const times = fromPage.get(k);
      const i = times?.findIndex((t) => Math.abs(t - s.startedAt) <= SAME_REQUEST_MS) ?? -1;
      if (times && i >= 0) {
        times.splice(i, 1);
        if (times.length === 0) fromPage.delete(k);
        return false;
      }
      return true;
    },
  };
}
