// The page's answers to what replay published on its socket. The service answers the
// page's socket, not us, so the answers are read from the page's live session as it is
// recorded: `publish_success` / `publish_error` (or an `error` naming the id) received on
// that socket with the id replay chose.

import type { CaptureRecord } from '../capture/records.ts';
import { isRecord, parseJson } from '../protocol/json.ts';

/** The service's answer to one publish, as the page's socket received it. */
export interface PageAck {
  readonly type: 'publish_success' | 'publish_error' | 'error';
  /** The frame as received (no secrets: answers carry none). */
  readonly frame: string;
  readonly failed: readonly { readonly index: number; readonly code?: string | number; readonly message?: string }[];
  readonly errors: readonly { readonly errorType?: string; readonly message?: string }[];
}

const ANSWERS = new Set(['publish_success', 'publish_error', 'error']);

/** The answer a received frame carries for a publish id, if it is one. */
export function ackOf(text: string): { id: string; ack: PageAck } | undefined {
  // Cheap test first: most received frames are data and keep-alives.
  if (!text.includes('publish_') && !text.includes('"error"')) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const f = parsed.value;
  const type = f['type'];
  const id = f['id'];
  if (typeof type !== 'string' || !ANSWERS.has(type) || typeof id !== 'string') return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord) : []);
  return {
    id,
    ack: {
      type: type as PageAck['type'],
      frame: text,
      failed: list(f['failed']).map((e) => {
        const code = e['code'] ?? e['errorCode'];
        const message = e['message'] ?? e['errorMessage'];
        return {
          index: typeof e['index'] === 'number' ? e['index'] : -1,
          ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
          ...(typeof message === 'string' ? { message } : {}),
        };
      }),
      errors: list(f['errors']).map((e) => ({
        ...(typeof e['errorType'] === 'string' ? { errorType: e['errorType'] } : {}),
        ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
      })),
    },
  };
}

/** Looks for an answer the live feed did not carry (it skips records under a flood). */
export type AckLookup = (socketId: string, id: string) => Promise<PageAck | undefined>;

export class AckWatch {
  private readonly waiting = new Map<string, (ack: PageAck | undefined) => void>();
  /** Answers seen before anyone waited for them (the live feed may beat the command's answer). */
  private readonly early = new Map<string, PageAck>();

  constructor(
    private readonly lookup?: AckLookup,
    private readonly keepEarly = 500,
  ) {}

  private static key(socketId: string, id: string): string {
    return `${socketId}\n${id}`;
  }

  /** Feeds records of the live session (the panel's `recordsCaptured`). */
  observe(records: readonly CaptureRecord[]): void {
    for (const r of records) {
      if (r.kind !== 'ws-receive' || typeof r.data !== 'string') continue;
      const found = ackOf(r.data);
      if (!found) continue;
      const key = AckWatch.key(r.socketId, found.id);
      const settle = this.waiting.get(key);
      if (settle) settle(found.ack);
      else if (found.id.startsWith('replay-')) {
        // Only ids replay chose are kept; the page's own answers are none of our business.
        this.early.set(key, found.ack);
        if (this.early.size > this.keepEarly) this.early.delete(this.early.keys().next().value as string);
      }
    }
  }

  /** The answer to publish `id` on `socketId`, or undefined when none came within `timeoutMs`. */
  wait(socketId: string, id: string, timeoutMs: number, setTimer: (fn: () => void, ms: number) => unknown = setTimeout): Promise<PageAck | undefined> {
    const key = AckWatch.key(socketId, id);
    const seen = this.early.get(key);
    if (seen) {
      this.early.delete(key);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => {
      let done = false;
      const settle = (ack: PageAck | undefined) => {
        if (done) return;
        done = true;
        this.waiting.delete(key);
        resolve(ack);
      };
      this.waiting.set(key, settle);
      setTimer(() => {
        if (done) return;
        if (!this.lookup) return settle(undefined);
        this.lookup(socketId, id).then(settle, () => settle(undefined));
      }, timeoutMs);
    });
  }

  get pending(): number {
    return this.waiting.size;
  }
}
