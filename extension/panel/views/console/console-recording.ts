// The console's own traffic, recorded like a page's: capture records redacted with the
// same redaction, in a session of its own (source 'console'), written by the panel
// through the sessions recorder. The background never writes this session.
import { redactRecord } from '../../../../src/capture/redact.ts';
import type { CaptureRecord } from '../../../../src/capture/records.ts';
import { classifyFrame } from '../../../../src/protocol/decode.ts';
import { createCaptureTap, type WireEvent } from '../../../../src/pubsub/index.ts';
import { createRecorder, createSession, listSessions, openSessionsDb, updateSession, type Recorder } from '../../../../src/sessions/index.ts';

export interface ConsoleRecording {
  record(e: WireEvent): void;
  /** Why records could not be stored, if they could not. */
  readonly problem: string | null;
  finish(): void;
}

export function createConsoleRecording(onProblem: (p: string | null) => void, onSession: (s: { id: string; name: string }) => void = () => undefined): ConsoleRecording {
  const tap = createCaptureTap(`console-${Math.random().toString(36).slice(2, 10)}`);
  let writer: Promise<Recorder> | null = null;
  let queue: CaptureRecord[] = [];
  let scheduled = false;
  let problem: string | null = null;

  const open = async (): Promise<Recorder> => {
    const db = await openSessionsDb();
    // A console session left open by a closed panel is over.
    for (const s of await listSessions(db)) {
      if (s.source === 'console' && s.state === 'recording') await updateSession(db, s.id, (c) => ({ ...c, state: 'complete', endedAt: c.endedAt ?? c.startedAt })).catch(() => undefined);
    }
    const startedAt = Date.now();
    const session = await createSession(db, {
      name: `Console · ${new Date(startedAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })}`,
      pageUrl: '',
      pageTitle: 'Pub/sub console',
      browser: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium',
      startedAt,
      source: 'console',
    });
    onSession({ id: session.id, name: session.name });
    return createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  };

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    writer ??= open();
    writer
      .then((w) => w.append(batch))
      .then(
        () => problem !== null && onProblem((problem = null)),
        (e: unknown) => onProblem((problem = `Console traffic was not recorded: ${e instanceof Error ? e.message : String(e)}`)),
      );
  };

  return {
    record(e) {
      queue.push(tap(e));
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, 100);
      }
    },
    get problem() {
      return problem;
    },
    finish() {
      if (queue.length) flush();
      void writer?.then((w) => w.finish()).catch(() => undefined);
    },
  };
}
