// A frame's relay port. Everything on it comes from the page and is checked here: the
// message shape, the batch's records, and that each record belongs to the frame's own
// sockets (its nonce). The tab is the one the browser reports for the port.

import type { Runtime } from 'webextension-polyfill';
import type { ContentHello, BatchForwarded } from '../../src/messaging/contracts.ts';
import { isContentToBackground, parseCaptureBatch } from '../../src/messaging/guards.ts';
import { createSeqGuard } from '../../src/messaging/seq-guard.ts';
import type { CaptureRecord } from '../../src/capture/records.ts';
import type { ContentLink, TabHub, TabState } from './tab-hub.ts';

export function onContentPort(hub: TabHub, port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  if (typeof tabId !== 'number' || tabId < 0) {
    port.disconnect();
    return;
  }
  const state = hub.tab(tabId);
  const link: ContentLink = { port, nonce: null, topFrame: false, seqs: createSeqGuard(), deferred: 0 };
  state.content.add(link);
  port.onDisconnect.addListener(() => state.content.delete(link));
  port.onMessage.addListener((message: unknown) => {
    if (!isContentToBackground(message)) {
      state.rejected++;
      return;
    }
    switch (message.type) {
      case 'contentConnected':
        return onHello(hub, state, link, message);
      case 'batchRejected':
        state.rejected++;
        return;
      case 'framesCaptured':
        return onBatch(hub, state, link, message);
      case 'commandCompleted':
        // The answer to a panel's socket command; the panel matches it by commandId.
        hub.toPanels(state, message);
        return;
    }
  });
}

function onHello(hub: TabHub, state: TabState, link: ContentLink, hello: ContentHello): void {
  const sender = link.port.sender;
  // A frame's nonce is fixed once; a second hello cannot move it to other sockets.
  link.nonce ??= hello.nonce;
  link.topFrame = hello.topFrame && sender?.frameId === 0;
  if (link.topFrame) {
    state.topUrl = sender?.url ?? hello.frameUrl;
    if (hello.timeOrigin !== state.topLoad) {
      const first = state.topLoad === 0;
      state.topLoad = hello.timeOrigin;
      // A new page load starts a new session unless the user preserves the log.
      if (!first) hub.enqueue(state, () => (state.preserveLog ? Promise.resolve() : hub.deps.recorder.rollSession(state.tabId, 'navigation')));
    }
  }
  hub.tellRecording(state, link);
}

function onBatch(hub: TabHub, state: TabState, link: ContentLink, batch: BatchForwarded): void {
  if (link.nonce === null) {
    state.rejected++;
    return;
  }
  const parsed = parseCaptureBatch(batch.payload, link.nonce);
  link.seqs.dropped(batch.dropped);
  state.rejected += parsed.rejected;
  state.dropped += batch.dropped;
  const admitted = link.deferred > 0 ? null : link.seqs.admit(parsed.records);
  if (admitted !== null && !admitted.deferred) return accept(hub, state, link, batch.batchId, admitted);
  // A socket this link has not seen starts past the tap's first seq: genuine only on a
  // resumed link, where the session holds the socket's committed seqs. Decided in the tab's
  // write chain, after the batches before it were committed; later batches of the link wait
  // their turn behind it so the guard sees them in order.
  link.deferred++;
  hub.enqueue(state, async () => {
    try {
      const ids = [...new Set(parsed.records.map((r) => r.socketId as string))];
      // Stopped too: records not stored while stopped are still handled by the recorder
      // (their seqs are committed), so the session knows where each socket stands.
      const committed = (await hub.deps.recorder.committedSeqs?.(state.tabId, ids)) ?? new Map<string, number>();
      const decided = link.seqs.admit(parsed.records, (id) => committed.get(id));
      if (!decided.deferred) accept(hub, state, link, batch.batchId, decided);
    } finally {
      link.deferred--;
    }
  });
}

function accept(hub: TabHub, state: TabState, link: ContentLink, batchId: number, admitted: { records: CaptureRecord[]; refused: number }): void {
  state.rejected += admitted.refused;
  const records = withProvenance(admitted.records, link.port.sender);
  for (const r of records) {
    state.dedupe.sawRecord(r);
    if (r.kind === 'ws-create') state.sockets.sawCreate(r.url, r.t);
  }
  hub.credentials.observe(state.tabId, records);
  hub.store(state, records, () => link.port.postMessage({ type: 'batchAcknowledged', batchId }));
}

/**
 * Provenance comes from the browser, never from the record: the frame URL of socket and
 * HTTP records is the one the browser reports for the relay's port (the frame's URL when
 * it connected), whatever the page wrote into them.
 */
function withProvenance(records: CaptureRecord[], sender: Runtime.MessageSender | undefined): CaptureRecord[] {
  const frameUrl = sender?.url;
  if (frameUrl === undefined) return records;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if ((r.kind === 'ws-create' || r.kind === 'http' || r.kind === 'http-request') && r.frameUrl !== frameUrl) records[i] = { ...r, frameUrl };
  }
  return records;
}
