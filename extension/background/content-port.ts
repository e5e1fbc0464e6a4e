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
  const link: ContentLink = { port, nonce: null, topFrame: false, seqs: createSeqGuard() };
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
  link.port.postMessage(hub.recordingMessage(state));
}

function onBatch(hub: TabHub, state: TabState, link: ContentLink, batch: BatchForwarded): void {
  if (link.nonce === null) {
    state.rejected++;
    return;
  }
  const parsed = parseCaptureBatch(batch.payload, link.nonce);
  link.seqs.dropped(batch.dropped);
  const admitted = link.seqs.admit(parsed.records);
  state.rejected += parsed.rejected + admitted.refused;
  state.dropped += batch.dropped;
  const records = withProvenance(admitted.records, link.port.sender);
  for (const r of records) {
    state.dedupe.sawRecord(r);
    if (r.kind === 'ws-create') state.sockets.sawCreate(r.url, r.t);
  }
  hub.credentials.observe(state.tabId, records);
  const batchId = batch.batchId;
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
