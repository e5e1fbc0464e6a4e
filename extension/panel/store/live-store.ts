// The panel's link state with the background: recording status and a tick per delivered
// batch. Records themselves are not kept here: the inspector reads the session being
// recorded from IndexedDB (the background acknowledges a batch only after storing it), so
// the panel holds no growing list and loses nothing when it falls behind.
import { batch, signal } from '@preact/signals';
import type { BackgroundToPanel, CaptureStatus, PanelToBackground } from '../../../src/messaging/contracts.ts';

export interface LiveState {
  readonly status: CaptureStatus | null;
  /** The session the background last said it records into. */
  readonly sessionId: string | null;
  /** Bumped for every batch of stored records: new frames exist in `sessionId`. */
  readonly tick: number;
  /**
   * This panel asked for Clear and the background has not confirmed it yet: messages about
   * batches written before the clear still name the old session and must not bring it back.
   */
  readonly clearing?: boolean;
}

export const EMPTY_LIVE: LiveState = { status: null, sessionId: null, tick: 0 };

/** The state right after this panel asked for Clear: no session shown until new records. */
export function clearRequested(state: LiveState): LiveState {
  return { ...state, sessionId: null, clearing: true, tick: state.tick + 1 };
}

export function applyMessage(state: LiveState, message: BackgroundToPanel): LiveState {
  switch (message.type) {
    case 'captureStatus':
      // A status without a session (a worker that restarted and has not written yet) keeps
      // the session known; after this panel's Clear, the background's null confirms it.
      if (state.clearing) {
        return message.sessionId === null ? { status: message, sessionId: null, tick: state.tick + 1 } : { ...state, status: message, tick: state.tick + 1 };
      }
      return { status: message, sessionId: message.sessionId ?? state.sessionId, tick: state.tick + 1 };
    case 'recordsCaptured':
      if (state.clearing) return state;
      return { ...state, sessionId: message.sessionId, tick: state.tick + 1 };
    default:
      return state;
  }
}

export interface LiveStoreOptions {
  /**
   * Asks for Chromium's debugger permission (worker sockets); must run in the click that
   * asked for it. Absent where the browser has no such API (Firefox).
   */
  readonly requestDebugger?: () => Promise<boolean>;
}

export function createLiveStore(opts: LiveStoreOptions = {}) {
  const state = signal<LiveState>(EMPTY_LIVE);
  const connected = signal(false);
  // The permission refused here, before the background heard of anything.
  const workerProblem = signal<string | null>(null);
  let send: (m: PanelToBackground) => void = () => {};
  return {
    state,
    connected,
    workerCaptureOffered: opts.requestDebugger !== undefined,
    workerProblem,
    /** Capture the tab's worker sockets through the debugger, or stop. */
    async setWorkerCapture(on: boolean): Promise<void> {
      workerProblem.value = null;
      if (on && opts.requestDebugger) {
        const granted = await opts.requestDebugger().catch((e: unknown) => {
          workerProblem.value = `Worker sockets could not be captured: ${e instanceof Error ? e.message : String(e)}`;
          return null;
        });
        if (granted === null) return;
        if (!granted) {
          workerProblem.value = "Worker sockets are not captured: Chromium's debugger permission was not granted";
          return;
        }
      }
      send({ type: 'setWorkerCapture', on });
    },
    apply: (message: BackgroundToPanel) => batch(() => (state.value = applyMessage(state.value, message))),
    setConnected: (on: boolean) => (connected.value = on),
    setCommands: (fn: (m: PanelToBackground) => void) => (send = fn),
    command: (m: PanelToBackground) => send(m),
    clear: () => {
      send({ type: 'clearSession' });
      state.value = clearRequested(state.value);
    },
  };
}

export type LiveStore = ReturnType<typeof createLiveStore>;
