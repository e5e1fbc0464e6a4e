// The panel's live view state. Incoming messages are applied by one pure function inside a
// signals batch, so a burst of records re-renders once.
import { batch, signal } from '@preact/signals';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import type { BackgroundToPanel, CaptureStatus, PanelToBackground } from '../../../src/messaging/contracts.ts';

/** Live rows kept in the panel's memory; the full session is in IndexedDB. */
export const LIVE_ROW_LIMIT = 50_000;

export interface LiveState {
  readonly rows: readonly CaptureRecord[];
  /** Every record received this session, including rows no longer held in memory. */
  readonly total: number;
  readonly status: CaptureStatus | null;
  /**
   * Subscription id → channel per socket (key `socketId id`), from the subscribe frames seen,
   * so `data` and acks, which carry only the id, can show their channel.
   */
  readonly channels: ReadonlyMap<string, string>;
}

export const EMPTY_LIVE: LiveState = { rows: [], total: 0, status: null, channels: new Map() };

export const channelKey = (socketId: string, id: string) => `${socketId} ${id}`;

function learnChannels(known: ReadonlyMap<string, string>, records: readonly CaptureRecord[]): ReadonlyMap<string, string> {
  let next: Map<string, string> | null = null;
  for (const r of records) {
    // Only sent frames that mention "subscribe" are worth classifying.
    if (r.kind !== 'ws-send' || typeof r.data !== 'string' || !r.data.includes('"subscribe"')) continue;
    const c = classifyFrame(r.data);
    if (c.type !== 'subscribe' || !c.id || !c.channel) continue;
    next ??= new Map(known);
    next.set(channelKey(r.socketId, c.id), c.channel);
  }
  return next ?? known;
}

export function applyMessage(state: LiveState, message: BackgroundToPanel): LiveState {
  switch (message.type) {
    case 'captureStatus': {
      const sessionChanged = state.status !== null && message.sessionId !== null && state.status.sessionId !== null && message.sessionId !== state.status.sessionId;
      return sessionChanged ? { ...EMPTY_LIVE, status: message } : { ...state, status: message };
    }
    case 'recordsCaptured': {
      const sessionChanged = state.status?.sessionId != null && state.status.sessionId !== message.sessionId;
      const base = sessionChanged ? [] : state.rows;
      let rows = base.concat(message.records);
      if (rows.length > LIVE_ROW_LIMIT) rows = rows.slice(rows.length - LIVE_ROW_LIMIT);
      return {
        rows,
        total: (sessionChanged ? 0 : state.total) + message.skipped + message.records.length,
        status: state.status,
        channels: learnChannels(sessionChanged ? EMPTY_LIVE.channels : state.channels, message.records),
      };
    }
    case 'commandCompleted':
      // Answers to the console's and replay's socket commands; the live list has no use for them.
      return state;
  }
}

export function createLiveStore() {
  const state = signal<LiveState>(EMPTY_LIVE);
  const connected = signal(false);
  let send: (m: PanelToBackground) => void = () => {};
  return {
    state,
    connected,
    apply: (message: BackgroundToPanel) => batch(() => (state.value = applyMessage(state.value, message))),
    setConnected: (on: boolean) => (connected.value = on),
    setCommands: (fn: (m: PanelToBackground) => void) => (send = fn),
    command: (m: PanelToBackground) => send(m),
    clear: () => {
      state.value = { ...EMPTY_LIVE, status: state.value.status };
      send({ type: 'clearSession' });
    },
  };
}

export type LiveStore = ReturnType<typeof createLiveStore>;
