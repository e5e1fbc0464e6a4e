// Traffic log of the emulator: every frame in and out, every HTTP request, connection
// lifecycle and auth decisions. Tests read `entries` or listen; the CLI prints one line per
// entry. Bounded so a long benchmark cannot exhaust memory.

import { EventEmitter } from 'node:events';

export type LogEntry =
  | {
      readonly t: number;
      readonly kind: 'frame';
      readonly connId: string;
      readonly dir: 'in' | 'out';
      /** Text frames: the text (cut at logTextLimit; see `truncated`). */
      readonly text?: string;
      /** Binary frames carry only their size. */
      readonly binary?: boolean;
      readonly size: number;
      readonly truncated?: boolean;
    }
  | {
      readonly t: number;
      readonly kind: 'http';
      readonly method: string;
      readonly path: string;
      readonly status: number;
      readonly errorType?: string;
      readonly body?: string;
    }
  | {
      readonly t: number;
      readonly kind: 'connection';
      readonly connId: string;
      readonly event: 'open' | 'close' | 'rejected';
      readonly code?: number;
      readonly reason?: string;
      readonly secure?: boolean;
    }
  | {
      readonly t: number;
      readonly kind: 'auth';
      readonly connId?: string;
      readonly operation: 'connect' | 'subscribe' | 'publish';
      readonly ok: boolean;
      readonly mode?: string;
      readonly reason?: string;
    };

type Distribute<T> = T extends unknown ? Omit<T, 't'> : never;
export type LogInput = Distribute<LogEntry>;

export class TrafficLog {
  readonly entries: LogEntry[] = [];
  readonly emitter = new EventEmitter();

  constructor(
    private readonly limit: number,
    private readonly textLimit: number,
    private readonly logger?: (line: string) => void,
  ) {
    // Many test helpers may listen at once; that is not a leak.
    this.emitter.setMaxListeners(0);
  }

  add(input: LogInput): void {
    const entry = { t: Date.now(), ...input } as LogEntry;
    this.entries.push(entry);
    // Trim in chunks: shifting a long array on every frame costs more than the fan-out.
    // The log may thus briefly hold up to limit + limit/8 entries.
    if (this.entries.length >= this.limit + Math.max(1, this.limit >> 3)) {
      this.entries.splice(0, this.entries.length - this.limit);
    }
    this.emitter.emit('log', entry);
    if (this.logger) this.logger(formatEntry(entry));
  }

  frame(connId: string, dir: 'in' | 'out', data: string | Buffer): void {
    if (typeof data === 'string') {
      const truncated = data.length > this.textLimit;
      this.add({
        kind: 'frame',
        connId,
        dir,
        text: truncated ? data.slice(0, this.textLimit) : data,
        size: Buffer.byteLength(data),
        ...(truncated ? { truncated } : {}),
      });
    } else {
      this.add({ kind: 'frame', connId, dir, binary: true, size: data.length });
    }
  }

  onEntry(listener: (e: LogEntry) => void): () => void {
    this.emitter.on('log', listener);
    return () => this.emitter.off('log', listener);
  }
}

const PREVIEW = 160;

function preview(s: string): string {
  return s.length > PREVIEW ? s.slice(0, PREVIEW) + `… (${s.length} chars)` : s;
}

export function formatEntry(e: LogEntry): string {
  const time = new Date(e.t).toISOString().slice(11, 23);
  switch (e.kind) {
    case 'frame':
      return `${time} ${e.connId} ${e.dir === 'in' ? '→' : '←'} ${
        e.binary ? `<binary ${e.size} bytes>` : preview(e.text ?? '')
      }`;
    case 'http':
      return `${time} HTTP ${e.method} ${e.path} ${e.status}${e.errorType ? ' ' + e.errorType : ''}${
        e.body ? ' ' + preview(e.body) : ''
      }`;
    case 'connection':
      return `${time} ${e.connId} ${e.event}${e.secure === undefined ? '' : e.secure ? ' wss' : ' ws'}${
        e.code !== undefined ? ' code=' + e.code : ''
      }${e.reason ? ' ' + e.reason : ''}`;
    case 'auth':
      return `${time} ${e.connId ?? 'http'} auth ${e.operation} ${e.ok ? 'ok' : 'DENIED'}${e.mode ? ' ' + e.mode : ''}${
        e.reason ? ': ' + e.reason : ''
      }`;
  }
}
