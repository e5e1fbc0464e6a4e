// Browser side of the console's engine-level end-to-end test: src/pubsub driven from an
// extension page, with that page's own fetch and WebSocket, so what is proven is what the
// panel can do in that browser (extension-origin requests to the emulator, host
// permissions, SigV4 with the bundled signer, the page credentials the background holds).
// Bundled with esbuild and evaluated in the page; every function returns plain data.
import { createConsoleRecording, type ConsoleRecording } from '../../../extension/panel/views/console/console-recording.ts';
import { listPageCredentials } from '../../../extension/panel/views/console/page-endpoint.ts';
import { listSessions, openSessionsDb, scanFrames, type SessionId } from '../../../src/sessions/index.ts';
import {
  createEventsClient,
  expandTemplate,
  httpPublish,
  profileFromPage,
  resolveProfile,
  uuid,
  type AuthConfig,
  type EventsClient,
  type FetchLike,
  type PageConnection,
  type Template,
  type WebSocketLike,
} from '../../../src/pubsub/index.ts';

interface ProfileInput {
  readonly httpUrl: string;
  readonly realtimeUrl: string;
  readonly auth: AuthConfig;
}

const clients = new Map<string, EventsClient>();
let recording: ConsoleRecording | null = null;
let recordingProblem: string | null = null;

function resolved(p: ProfileInput) {
  const r = resolveProfile(p);
  if (!r.ok) throw new Error(`profile: ${r.problems.join('; ')}`);
  return r.profile;
}

const fetchLike: FetchLike = (url, init) => fetch(url, init);

const harness = {
  async httpPublish(p: ProfileInput, channel: string, events: string[]) {
    return httpPublish({ profile: resolved(p), channel, events, fetch: fetchLike, ...(recording ? { onWire: recording.record } : {}) });
  },
  /** From now on, console traffic is recorded as the panel records it (console-recording.ts). */
  startRecording() {
    recording = createConsoleRecording((p) => (recordingProblem = p));
  },
  finishRecording() {
    recording?.finish();
    recording = null;
    return recordingProblem;
  },
  /** The console sessions in IndexedDB, each with every stored frame as JSON text. */
  async consoleSessions() {
    const db = await openSessionsDb();
    try {
      const out: Array<{ state: string; frameCount: number; frames: string[] }> = [];
      for (const s of (await listSessions(db)).filter((x) => x.source === 'console')) {
        const frames: string[] = [];
        for await (const batch of scanFrames(db, s.id as SessionId, {}, { batchSize: 1000 })) for (const f of batch.frames) frames.push(JSON.stringify(f));
        out.push({ state: s.state, frameCount: s.frameCount, frames });
      }
      return out;
    } finally {
      db.close();
    }
  },
  /** Connects a named client; resolves with its state once acknowledged or refused. */
  async connect(name: string, p: ProfileInput) {
    clients.get(name)?.close(1000);
    const client = createEventsClient({
      profile: resolved(p),
      WebSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
      maxReconnectAttempts: 1,
      ...(recording ? { onWire: recording.record } : {}),
    });
    clients.set(name, client);
    let error: string | null = null;
    await client.connect().catch((e: unknown) => (error = e instanceof Error ? e.message : String(e)));
    // A refusal rejects on the connection_error frame; the close that follows settles the state.
    const settled = () => client.state.status === 'connected' || client.state.status === 'closed';
    if (!settled()) {
      await new Promise<void>((done) => {
        const off = client.onChange(() => settled() && (off(), done()));
        setTimeout(() => (off(), done()), 10_000);
      });
    }
    return { state: JSON.parse(JSON.stringify(client.state)) as Record<string, unknown>, error };
  },
  /** Subscribes; resolves with the subscription's first verdict. */
  async subscribe(name: string, channel: string) {
    const sub = clients.get(name)!.subscribe(channel);
    await sub.ready.catch(() => undefined);
    return { status: sub.status, errors: sub.errors };
  },
  publish(name: string, channel: string, events: string[]) {
    return clients.get(name)!.publish(channel, events);
  },
  received(name: string, channel: string): string[] {
    const sub = clients.get(name)!.subscriptions.find((s) => s.channel === channel);
    return sub ? sub.events.map((e) => e.text) : [];
  },
  state(name: string) {
    return JSON.parse(JSON.stringify(clients.get(name)?.state ?? null)) as Record<string, unknown> | null;
  },
  closeAll() {
    for (const c of clients.values()) c.close(1000);
    clients.clear();
  },
  /** The inspected tab's live connections as the background holds them, then the filled profile. */
  async pageEndpoints(tabId: number) {
    const creds = await listPageCredentials(tabId);
    return creds.map((c) => ({ credential: c, filled: profileFromPage(c as PageConnection) ?? null }));
  },
  /** A template used `times` times: each use expands with a fresh counter and UUIDs. */
  expandTimes(t: Template, times: number) {
    const out: Array<{ channel: string; body: string }> = [];
    let current = t;
    for (let i = 0; i < times; i++) {
      const e = expandTemplate(current, { now: Date.now(), uuid });
      out.push({ channel: e.channel, body: e.body });
      current = e.template;
    }
    return out;
  },
  /** Whether the extension holds the host permission for these origins (no prompt). */
  async hasHostAccess(origins: string[]) {
    type Perms = { permissions: { contains(p: { origins: string[] }): Promise<boolean> } };
    const g = globalThis as unknown as { browser?: Perms; chrome?: Perms };
    return (g.browser ?? g.chrome)!.permissions.contains({ origins });
  },
};

(globalThis as unknown as { __pubsub: typeof harness }).__pubsub = harness;
export type PubsubHarness = typeof harness;
