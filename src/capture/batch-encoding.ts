// The text a batch of capture records travels in, from the hook to the background.
//
// Why not JSON: a batch used to be JSON.stringify(records), which the extension's messaging
// then encoded as a JSON string again (every quote of every frame text escaped twice), and
// the service worker spent most of its per-frame time in JSON.parse of it, allocating every
// record before it could store it. Here a frame's text is copied in as it came, behind its
// length, so the hook escapes nothing and the worker finds each field with a few index
// reads and keeps the text as a substring of the batch (no parse, no copy of the text).
//
// Format `B1|` then one entry per record, no separators between entries:
//   s|r <flags> <socketIdLength>:<socketId><seq>,<t>,<size>,<textLength>:<text>
//        a ws-send (s) or ws-receive (r) whose data is a whole string; flags is one digit,
//        1 = injected, 2 = synthetic, 4 = blocked (the record's optional `true` fields;
//        a send is never synthetic)
//   j <jsonLength>:<JSON of the record>
//        every other record (socket events, HTTP, binary and truncated frames): rare, so
//        they keep the general shape and its full check
// Lengths are UTF-16 code units, as JS strings count them. Numbers are JS's own shortest
// round-trip text, so `t` comes back bit for bit. The decoder is
// src/messaging/batch-decoding.ts (the trust boundary checks there, not here).
//
// Runs on the page's thread after page scripts ran: only string concatenation (no method
// of a page-reachable prototype) and the JSON.stringify saved at document_start, on records
// that live on SAFE_PROTO.

import type { CaptureRecord } from './records.ts';
import { JSONStringify } from './native.ts';
import { BATCH_FORMAT } from '../messaging/contracts.ts';

export function encodeBatch(records: ArrayLike<CaptureRecord>): string {
  let out = BATCH_FORMAT;
  for (let i = 0, n = records.length; i < n; i++) {
    const r = records[i]!;
    if (r.kind === 'ws-receive' && typeof r.data === 'string') {
      const flags = (r.injected === true ? 1 : 0) + (r.synthetic === true ? 2 : 0) + (r.blocked === true ? 4 : 0);
      out += 'r' + flags + r.socketId.length + ':' + r.socketId + r.seq + ',' + r.t + ',' + r.size + ',' + r.data.length + ':' + r.data;
    } else if (r.kind === 'ws-send' && typeof r.data === 'string') {
      out += (r.blocked === true ? 's4' : r.injected === true ? 's1' : 's0') + r.socketId.length + ':' + r.socketId + r.seq + ',' + r.t + ',' + r.size + ',' + r.data.length + ':' + r.data;
    } else {
      const json = JSONStringify(r) as string;
      out += 'j' + json.length + ':' + json;
    }
  }
  return out;
}
