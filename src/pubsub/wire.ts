// What the console's clients put on the wire, as capture records without their key, so
// the console's own traffic is recorded exactly like a page's (src/capture/records.ts).
// `stream` names the connection (`ws1`, `ws2`, … or `http`); the tap below turns it
// into the (socketId, seq) key.

import type { CaptureRecord, SocketId } from '../capture/records.ts';

type Unkeyed<T> = T extends CaptureRecord ? Omit<T, 'socketId' | 'seq'> & { readonly stream: string } : never;
export type WireEvent = Unkeyed<CaptureRecord>;
export type WireListener = (e: WireEvent) => void;

/** Keys wire events as capture records: `<prefix>:<stream>` and a gapless seq per stream. */
export function createCaptureTap(prefix: string): (e: WireEvent) => CaptureRecord {
  const seqs = new Map<string, number>();
  return (e) => {
    const { stream, ...rest } = e;
    const seq = seqs.get(stream) ?? 0;
    seqs.set(stream, seq + 1);
    return { ...rest, socketId: `${prefix}:${stream}` as SocketId, seq } as CaptureRecord;
  };
}
