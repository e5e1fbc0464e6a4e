// Page commands with an answer: each injectIncoming/sendOnSocket carries a commandId, and the
// background's `commandCompleted` with that id settles it. No answer within the timeout is
// "unconfirmed" (the page may be gone, or the background predates command answers), never
// success.
import type { PanelToBackground } from '../../../../src/messaging/contracts.ts';
import type { CommandAnswer, PageCommands } from '../../../../src/replay/index.ts';

export const COMMAND_TIMEOUT_MS = 3000;

export interface PageCommandLink {
  readonly commands: PageCommands;
  /** Feed every message from the background; answers are picked out by commandId. */
  onMessage(message: unknown): void;
  /** Commands still waiting for an answer. */
  readonly pending: number;
}

function isCompletion(m: unknown): m is { type: 'commandCompleted'; commandId: number; ok: boolean; error?: unknown } {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['type'] === 'commandCompleted' && typeof r['commandId'] === 'number' && typeof r['ok'] === 'boolean';
}

export function createPageCommands(send: (m: PanelToBackground) => void, timeoutMs = COMMAND_TIMEOUT_MS): PageCommandLink {
  let next = 1;
  const waiting = new Map<number, (a: CommandAnswer) => void>();
  const issue = (type: 'injectIncoming' | 'sendOnSocket', socketId: string, data: string): Promise<CommandAnswer> =>
    new Promise((resolve) => {
      const commandId = next++;
      const timer = setTimeout(() => {
        waiting.delete(commandId);
        resolve({ unconfirmed: true, error: `no answer from the page within ${timeoutMs / 1000} s` });
      }, timeoutMs);
      waiting.set(commandId, (a) => {
        clearTimeout(timer);
        waiting.delete(commandId);
        resolve(a);
      });
      // commandId is the answered form of these commands (see CommandCompleted); older
      // backgrounds ignore the extra field and the timeout reports "unconfirmed".
      send({ type, socketId, data, commandId } as unknown as PanelToBackground);
    });
  return {
    commands: {
      injectIncoming: (socketId, data) => issue('injectIncoming', socketId, data),
      sendOnSocket: (socketId, data) => issue('sendOnSocket', socketId, data),
    },
    onMessage(m) {
      if (!isCompletion(m)) return;
      const settle = waiting.get(m.commandId);
      if (!settle) return;
      settle(m.ok ? { ok: true } : { ok: false, error: typeof m.error === 'string' && m.error !== '' ? m.error : 'the page refused the command' });
    },
    get pending() {
      return waiting.size;
    },
  };
}
