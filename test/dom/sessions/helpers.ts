// Fixtures for the Sessions view tests: a fresh fake IndexedDB per test and sessions
// recorded through the real recorder, so the view reads what the background would write.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { createRecorder, createSession, openSessionsDb, type SessionRecord, type SessionsDb } from '../../../src/sessions/index.ts';

export function freshDb(): Promise<SessionsDb> {
  return openSessionsDb({ factory: new IDBFactory() });
}

export interface Seed {
  readonly name: string;
  readonly startedAt: number;
  /** Frames to store (at least 2: create and open, then data frames). */
  readonly frames?: number;
  readonly pinned?: boolean;
  readonly keepSecrets?: boolean;
  readonly source?: 'live' | 'imported' | 'replay';
  readonly pageUrl?: string;
  /** Extra characters in every data frame, to make a session take space. */
  readonly padding?: number;
  /** Texts of extra received frames, stored after the generated ones. */
  readonly texts?: readonly string[];
}

export async function seed(db: SessionsDb, s: Seed): Promise<SessionRecord> {
  const session = await createSession(db, {
    name: s.name,
    startedAt: s.startedAt,
    pageUrl: s.pageUrl ?? 'https://app.example.com/chat',
    pageTitle: 'Chat',
    source: s.source ?? 'live',
    pinned: s.pinned ?? false,
    keepSecrets: s.keepSecrets ?? false,
  });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  const socketId = 'p1:1' as SocketId;
  let seq = 0;
  let t = s.startedAt;
  const base = () => ({ socketId, seq: seq++, t: t++ });
  const records: CaptureRecord[] = [
    {
      ...base(),
      kind: 'ws-create',
      url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
      protocols: ['aws-appsync-event-ws'],
      frameUrl: 'https://app.example.com/chat',
      appsync: true,
    },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
  ];
  for (let i = 2; i < (s.frames ?? 5); i++) {
    const data = JSON.stringify({ type: 'data', id: 'sub-1', event: JSON.stringify({ n: i, word: i % 2 ? 'odd' : 'even', pad: 'x'.repeat(s.padding ?? 0) }) });
    records.push({ ...base(), kind: 'ws-receive', data, size: data.length });
  }
  for (const data of s.texts ?? []) records.push({ ...base(), kind: 'ws-receive', data, size: data.length });
  await writer.append(records);
  return writer.finish(s.startedAt + 60_000);
}

/** Download sink for tests: keeps what the view would have saved. */
export function captureDownloads() {
  const files: Array<{ blob: Blob; fileName: string }> = [];
  return { files, download: (blob: Blob, fileName: string) => void files.push({ blob, fileName }) };
}
