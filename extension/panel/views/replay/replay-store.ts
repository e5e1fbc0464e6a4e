// State of the Replay view: the sessions to pick from, the run in progress (progress,
// pause/resume/stop, summary) and its result session. A factory: tests get their own on a
// fake database. The run and the result session are engine code (src/replay); this only
// wires them to the panel's database, commands and signals.
import { signal } from '@preact/signals';
import { createReplayHostAccess, type ReplayHostAccess } from './replay-host-access.ts';
import { redactRecord } from '../../../../src/capture/redact.ts';
import { classifyFrame } from '../../../../src/protocol/decode.ts';
import { resolveProfile, type FetchLike, type Profile, type ResolvedProfile, type WebSocketFactory, type WebSocketLike } from '../../../../src/pubsub/index.ts';
import {
  AckWatch,
  ackOf,
  createResultSession,
  endpointTarget,
  estimateItems,
  injectTarget,
  liveSubscriptions,
  selectItems,
  profilePublishClient,
  reusableAuthorization,
  socketTarget,
  startReplay,
  type LiveSubscription,
  type PageCommands,
  type ReplayProgress,
  type ReplayRun,
  type ReplaySummary,
  type ReplayTarget,
} from '../../../../src/replay/index.ts';
import { getSession, listSessions, openSessionsDb, scanFrames, sessionCounts, type SessionId, type SessionRecord, type SessionsDb } from '../../../../src/sessions/index.ts';
import type { PageCredential } from '../../../../src/messaging/contracts.ts';
import { downloadBlob } from '../../store/sessions-store.ts';
import { createCompareStore } from './compare-store.ts';
import { checkForm, DEFAULT_FORM, type ReplayForm } from './replay-form.ts';

export interface PageSocket {
  readonly socketId: string;
  readonly url: string;
}

export interface RunState {
  readonly progress: ReplayProgress;
  readonly summary?: ReplaySummary;
  readonly resultSessionId?: SessionId;
  readonly resultName?: string;
  readonly originalId: SessionId;
  /** Where the run sends: which counts mean something. */
  readonly target?: ReplayForm['target'];
  /** A write of the result session failed (the run went on). */
  readonly writeError?: string;
}

export interface ReplayStoreOptions {
  readonly db?: () => Promise<SessionsDb>;
  readonly commands?: PageCommands | null;
  /** The live session of the inspected page, when it records. */
  readonly liveSessionId?: () => string | null;
  readonly fetch?: FetchLike;
  readonly WebSocket?: WebSocketFactory;
  /** The console's endpoint profiles (console-storage.ts `loadConsoleData`), secrets merged in. */
  readonly loadProfiles?: () => Promise<readonly Profile[]>;
  /** The page's live credentials (the background's memory), for publishes on its socket. */
  readonly pageCredentials?: () => Promise<readonly PageCredential[]>;
  /** Whether the extension may reach the profile's hosts (a custom domain the user withheld), and the request for them. */
  readonly hostAccess?: ReplayHostAccess;
  readonly browser?: string;
  readonly download?: (blob: Blob, fileName: string) => void;
}

export function createReplayStore(options: ReplayStoreOptions = {}) {
  let dbPromise: Promise<SessionsDb> | null = null;
  const db = () => (dbPromise ??= (options.db ?? (() => openSessionsDb()))());
  const sessions = signal<SessionRecord[]>([]);
  const form = signal<ReplayForm>(DEFAULT_FORM);
  const problems = signal<readonly string[]>([]);
  const run = signal<RunState | null>(null);
  const sockets = signal<PageSocket[]>([]);
  const subscriptions = signal<LiveSubscription[]>([]);
  const profiles = signal<readonly Profile[]>([]);
  /** Why the profiles could not be read, if they could not. */
  const profilesProblem = signal<string | null>(null);
  let active: ReplayRun | null = null;
  const compare = createCompareStore(db, options.download ?? downloadBlob);
  const access = createReplayHostAccess(options.hostAccess);

  const liveId = () => options.liveSessionId?.() ?? null;

  /** An answer the live feed skipped (it thins out floods) is still in the live session. */
  async function lookupAck(socketId: string, id: string) {
    const sid = liveId();
    if (!sid) return undefined;
    const scan = scanFrames(await db(), sid as SessionId, { directions: ['receive'], types: ['publish_success', 'publish_error', 'error'] }, { batchSize: 500 });
    for await (const batch of scan) {
      for (const f of batch.frames) {
        if (f.conn !== socketId || f.id !== id || f.text === undefined) continue;
        const found = ackOf(f.text);
        if (found) return found.ack;
      }
    }
    return undefined;
  }
  const acks = new AckWatch(lookupAck);

  async function refreshProfiles(): Promise<void> {
    if (!options.loadProfiles) return;
    try {
      profiles.value = [...(await options.loadProfiles())];
      profilesProblem.value = null;
    } catch (e) {
      profilesProblem.value = `The endpoint profiles could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!profiles.value.some((p) => p.id === form.value.profileId)) form.value = { ...form.value, profileId: profiles.value[0]?.id ?? '' };
    checkAccess();
  }

  /** Keeps the view's host-access line true for the profile the form would use. */
  function checkAccess(): void {
    const f = form.value;
    const picked = f.target === 'endpoint' ? pickedProfile(f) : undefined;
    const r = picked ? resolveProfile(picked) : undefined;
    void access.check(r?.ok ? r.profile : undefined);
  }

  async function refresh(): Promise<void> {
    const d = await db();
    const list = (await listSessions(d)).filter((s) => s.state !== 'importing');
    sessions.value = list;
    if (form.value.sessionId === '' || !list.some((s) => s.id === form.value.sessionId)) {
      // The newest capture by default, not a replay of one.
      const pick = list.find((s) => s.source !== 'replay') ?? list[0];
      form.value = { ...form.value, sessionId: pick?.id ?? '' };
    }
    await Promise.all([refreshPage(d), refreshProfiles()]);
  }

  /** The inspected page's sockets and subscriptions, from its live session. */
  async function refreshPage(d?: SessionsDb): Promise<void> {
    const id = liveId();
    if (!id) {
      sockets.value = [];
      subscriptions.value = [];
      return;
    }
    const database = d ?? (await db());
    subscriptions.value = await liveSubscriptions(database, id as SessionId);
    const conns = await database.getAll('connections', IDBKeyRange.bound([id, ''], [id, '\uffff']));
    sockets.value = conns.filter((c) => c.kind === 'websocket' && c.appsync && c.closedAt === undefined).map((c) => ({ socketId: c.connId, url: c.url }));
    if (form.value.socketId === '' && sockets.value.length > 0) form.value = { ...form.value, socketId: sockets.value.at(-1)!.socketId };
  }

  function update(change: Partial<ReplayForm>): void {
    form.value = { ...form.value, ...change };
    problems.value = [];
    if ('target' in change || 'profileId' in change) checkAccess();
  }

  const pickedProfile = (f: ReplayForm) => profiles.value.find((p) => p.id === f.profileId);

  /** What each publish on the page's socket carries: the typed key, else the page's own credential. */
  async function socketAuthorization(f: ReplayForm): Promise<{ auth?: Record<string, string>; problem?: string }> {
    if (f.apiKey.trim()) return { auth: { 'x-api-key': f.apiKey.trim() } };
    const list = await options.pageCredentials?.().catch(() => []);
    const mine = list?.find((c) => c.connection === f.socketId);
    if (!mine) return {};
    const auth = reusableAuthorization(mine.headers);
    return auth ? { auth } : { problem: 'The page’s socket signs with IAM, which cannot be reused for other publishes: type an API key the API accepts, or replay to an endpoint profile.' };
  }

  function targetFor(f: ReplayForm, socketAuth?: Record<string, string>): ReplayTarget {
    if (f.target === 'endpoint') {
      const picked = pickedProfile(f);
      const resolved = picked ? resolveProfile(picked) : undefined;
      if (!resolved?.ok) throw new Error('Pick a usable endpoint profile.');
      const WebSocketImpl: WebSocketFactory = options.WebSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
      const fetcher: FetchLike = options.fetch ?? ((u, i) => fetch(u, i));
      return endpointTarget(profilePublishClient({ profile: resolved.profile, transport: f.transport, fetch: fetcher, WebSocket: WebSocketImpl }));
    }
    const commands = options.commands;
    if (!commands) throw new Error('The panel is not connected to a page.');
    if (f.target === 'inject') return injectTarget(commands, subscriptions.value);
    const socket = sockets.value.find((s) => s.socketId === f.socketId) ?? { socketId: f.socketId, url: '' };
    // Operations on the page's socket carry their own authorization (reference 3.1).
    return socketTarget(commands, socket, socketAuth, Date.now, acks);
  }

  /** Starts a replay of the form's selection; returns false (with problems shown) when it cannot. */
  async function start(): Promise<boolean> {
    if (active) return false;
    const f = form.value;
    const d = await db();
    if (f.target !== 'endpoint') await refreshPage(d);
    if (f.target === 'endpoint') await refreshProfiles();
    const picked = pickedProfile(f);
    const resolution = picked ? resolveProfile(picked) : undefined;
    const checked = checkForm(f, {
      liveSession: liveId() !== null,
      profileCount: profiles.value.length,
      ...(resolution && !resolution.ok ? { profileProblems: resolution.problems } : {}),
    });
    const original = await getSession(d, f.sessionId as SessionId);
    const found = [...checked.problems, ...(f.sessionId !== '' && !original ? ['That session no longer exists.'] : [])];
    if (f.target === 'endpoint' && found.length === 0 && resolution?.ok) {
      const denied = await access.problem(resolution.profile);
      if (denied) found.push(denied);
    }
    if (f.target === 'inject' && found.length === 0 && subscriptions.value.length === 0) {
      found.push('The page has no live subscription to inject into: let it subscribe first.');
    }
    let socketAuth: Record<string, string> | undefined;
    if (f.target === 'socket' && found.length === 0) {
      const r = await socketAuthorization(f);
      if (r.problem) found.push(r.problem);
      socketAuth = r.auth;
    }
    problems.value = found;
    if (found.length > 0 || !original) return false;
    let target: ReplayTarget;
    try {
      target = targetFor(f, socketAuth);
    } catch (e) {
      problems.value = [e instanceof Error ? e.message : String(e)];
      return false;
    }
    // The session's counts know nothing of a channel filter: then the total is learnt as the run goes.
    const total = f.positions.length > 0 ? f.positions.length : checked.channels.length > 0 ? undefined : estimateItems(await sessionCounts(d, original.id), f.what);
    const result = await createResultSession(d, { original, classify: classifyFrame, redact: redactRecord, ...(options.browser ? { browser: options.browser } : {}) });
    const base: RunState = { originalId: original.id, target: f.target, resultSessionId: result.sessionId, resultName: `Replay of ${original.name}`, progress: { state: 'running', items: 0, handled: 0, sent: 0, acknowledged: 0, delivered: 0, unconfirmed: 0, failed: 0, retries: 0, ...(total !== undefined ? { total } : {}) } };
    run.value = base;
    active = startReplay({
      items: selectItems(d, original.id, { what: f.what, endPos: original.frameCount - 1, ...(checked.channels.length ? { channels: checked.channels } : {}), ...(f.positions.length ? { positions: f.positions } : {}) }),
      ...(total !== undefined ? { total } : {}),
      target,
      rules: checked.rules,
      timing: checked.timing,
      merge: f.merge,
      onExchange: result.exchange,
      onProgress: (progress) => {
        if (run.value) run.value = { ...run.value, progress };
      },
    });
    void active.done.then(async (summary) => {
      active = null;
      await result.finish(summary).catch(() => undefined);
      run.value = { ...base, ...run.value, progress: summary, summary, ...(result.error ? { writeError: result.error } : {}) };
      await refresh().catch(() => undefined);
    });
    return true;
  }

  return {
    compare,
    sessions,
    form,
    problems,
    run,
    sockets,
    subscriptions,
    profiles,
    profilesProblem,
    /** Host access for the picked profile: null when nothing needs granting. */
    hostAccess: access.state,
    /** Call from the click: asks the browser for the picked profile's hosts. */
    grantAccess: access.grant,
    /** Records of the live session as the background delivers them: the socket target's answers. */
    observe: (records: Parameters<AckWatch['observe']>[0]) => acks.observe(records),
    refresh,
    refreshPage,
    update,
    start,
    pause: () => active?.pause(),
    resume: () => active?.resume(),
    stop: () => active?.stop(),
    /** "Replay this" from elsewhere in the panel: a session and, optionally, frame positions. */
    preset(sessionId: string, positions: readonly number[] = []): void {
      update({ sessionId, positions, what: 'both' });
    },
    get running(): boolean {
      return active !== null;
    },
    /** Fills the compare pane with the finished run: the original against its result. */
    compareWithOriginal(): void {
      const r = run.value;
      if (!r?.resultSessionId) return;
      const f = form.value;
      compare.update({ left: r.originalId, leftWhat: f.what, right: r.resultSessionId, rightWhat: f.target === 'inject' ? 'received' : 'published', ignoreChannel: f.remap.trim() !== '' || f.what !== 'published' });
    },
    dismiss(): void {
      if (!active) run.value = null;
    },
    db,
  };
}

export type ReplayStore = ReturnType<typeof createReplayStore>;
