// Writes a large session into the extension's own sessions database for the inspector
// benchmark (inspector-render.mjs). Bundled with esbuild and evaluated in an extension page,
// so the panel opened afterwards reads exactly this session. Traffic mirrors the sessions
// benchmark: 100 channels (1 % each), types data 94 %, ka 3 %, publish_success 2 %,
// error 1 %, frames of ~512 B.
import type { CaptureRecord, SocketId } from '../../src/capture/records.ts';
import { createRecorder } from '../../src/sessions/recorder.ts';
import { openSessionsDb } from '../../src/sessions/schema.ts';
import { createSession } from '../../src/sessions/session-ops.ts';
import type { Classify, Redact } from '../../src/sessions/types.ts';

const classify: Classify = (text) => {
  try {
    const v = JSON.parse(text) as { type?: unknown; id?: unknown; channel?: unknown };
    return {
      ...(typeof v.type === 'string' ? { type: v.type } : {}),
      ...(typeof v.id === 'string' ? { id: v.id } : {}),
      ...(typeof v.channel === 'string' ? { channel: v.channel } : {}),
    };
  } catch {
    return {};
  }
};
const redact: Redact = (r) => r;

function message(i: number): string {
  const roll = i % 100;
  const type = roll < 94 ? 'data' : roll < 97 ? 'ka' : roll < 99 ? 'publish_success' : 'error';
  const id = `sub-${i % 100}`;
  const msg =
    type === 'data'
      ? JSON.stringify({ type, id, event: JSON.stringify({ i, note: 'ordinary', pad: '' }) })
      : type === 'ka'
        ? '{"type":"ka"}'
        : type === 'error'
          ? JSON.stringify({ type, id, errors: [{ errorType: 'BadRequestException', message: `bench ${i}` }] })
          : JSON.stringify({ type, id, successful: [{ identifier: `e${i}`, index: 0 }], failed: [] });
  return type === 'ka' ? msg : msg.replace('"pad":""', `"pad":"${' '.repeat(Math.max(0, 480 - msg.length))}"`);
}

export async function writeInspectorSession(opts: { frames: number; batch?: number }): Promise<{ sessionId: string; frames: number; ms: number }> {
  const started = performance.now();
  const db = await openSessionsDb();
  const session = await createSession(db, { name: `inspector bench ${opts.frames}`, startedAt: 1_700_000_000_000, pageUrl: 'https://bench.test/', pageTitle: 'bench', source: 'imported' });
  const rec = await createRecorder(db, { sessionId: session.id, classify, redact });
  const socketId = 'bench:1' as SocketId;
  let seq = 0;
  let t = 1_700_000_000_000;
  const base = () => ({ socketId, seq: seq++, t: (t += 0.1) });
  let batch: CaptureRecord[] = [
    { ...base(), kind: 'ws-create', url: 'wss://bench.test/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: '', appsync: true },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
  ];
  for (let c = 0; c < 100; c++) {
    const data = JSON.stringify({ type: 'subscribe', id: `sub-${c}`, channel: `/bench/ch${c}` });
    batch.push({ ...base(), kind: 'ws-send', data, size: data.length });
  }
  const size = opts.batch ?? 2000;
  for (let i = batch.length; i < opts.frames; i++) {
    const data = message(i);
    batch.push({ ...base(), kind: 'ws-receive', data, size: data.length });
    if (batch.length >= size) {
      await rec.append(batch);
      batch = [];
    }
  }
  if (batch.length) await rec.append(batch);
  const done = await rec.finish(t);
  db.close();
  return { sessionId: done.id, frames: done.frameCount, ms: performance.now() - started };
}
