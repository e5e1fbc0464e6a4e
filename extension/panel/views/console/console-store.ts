// State of the Console view; the view only renders it. Profiles live in profile-store.ts;
// this adds one EventsClient per connected profile (with the subscriptions made on it),
// publishing over HTTP or the socket, results, history, templates and the recording of
// the console's own traffic as a 'console' session.
import { batch, signal } from '@preact/signals';
import {
  addToHistory,
  createEventsClient,
  expandTemplate,
  httpPublish,
  parseEventsText,
  settleHistory,
  uuid as randomUuid,
  validatePublish,
  variablesIn,
  type ConsoleAuthMode,
  type EventsClient,
  type HistoryEntry,
  type Problem,
  type PublishOutcome,
  type ResolvedProfile,
  type Subscription,
  type Template,
  type Transport,
  type WireEvent,
} from '../../../../src/pubsub/index.ts';
import type { ConsoleDeps, RecordingSink } from './console-deps.ts';
import { createProfileStore } from './profile-store.ts';

export interface ClientEntry {
  readonly profileId: string;
  readonly key: string;
  readonly mode: ConsoleAuthMode;
  readonly client: EventsClient;
  /** Every subscription made on it, unsubscribed ones included, oldest first. */
  readonly subs: Subscription[];
  readonly off: () => void;
}

export interface PublishResult extends HistoryEntry {
  readonly outcome: PublishOutcome;
  readonly mode: ConsoleAuthMode;
}

export const RESULT_LIMIT = 20;
const PREVIEW_UUID = '00000000-0000-4000-8000-000000000000';

export function createConsoleStore(deps: ConsoleDeps) {
  const now = deps.now ?? Date.now;
  let ids = 0;
  const newId = deps.newId ?? (() => `${now().toString(36)}-${(ids++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`);
  const uuid = deps.uuid ?? randomUuid;
  const profile = createProfileStore(deps, newId);
  const loaded = signal(false);
  const loadProblem = signal<string | null>(null);
  /** Bumped when a client or a subscription changes, so the view re-reads them. */
  const tick = signal(0);
  const clients = new Map<string, ClientEntry>();
  const channel = signal('/default/test');
  const text = signal('{\n  "message": "hello"\n}');
  const override = signal(false);
  const attempted = signal(false);
  const sending = signal(0);
  const results = signal<PublishResult[]>([]);
  const history = signal<HistoryEntry[]>([]);
  const templates = signal<Template[]>([]);
  const activeTemplate = signal<string | null>(null);
  const templateName = signal('');
  const subscribeChannel = signal('/default/*');
  const recordedAs = signal<{ id: string; name: string } | null>(null);
  const recordingProblem = signal<string | null>(null);
  const storageProblem = signal<string | null>(null);
  let adhocCounter = 0;
  let recorder: RecordingSink | null = null;
  let bump = false;

  const changed = () => {
    if (bump) return;
    bump = true;
    queueMicrotask(() => {
      bump = false;
      tick.value++;
    });
  };

  function onWire(e: WireEvent): void {
    if (!deps.recording) return;
    recorder ??= deps.recording({ onProblem: (p) => (recordingProblem.value = p), onSession: (s) => (recordedAs.value = s) });
    recorder.record(e);
  }

  const keep = (what: string, p: Promise<void>) =>
    p.then(
      () => (storageProblem.value = null),
      (e: unknown) => (storageProblem.value = `The ${what} could not be saved: ${e instanceof Error ? e.message : String(e)}`),
    );

  async function load(): Promise<void> {
    try {
      const data = await deps.storage.load();
      batch(() => {
        profile.load(data.profiles);
        templates.value = data.templates;
        history.value = data.history;
      });
    } catch (e) {
      loadProblem.value = `Saved profiles could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
    loaded.value = true;
  }

  /** The resolved form, or undefined (its problems are on screen). */
  function resolved(): ResolvedProfile | undefined {
    const r = profile.resolution.value;
    attempted.value = true;
    return r.ok ? r.profile : undefined;
  }

  const entryFor = (profileId: string) => clients.get(profileId);
  const current = () => entryFor(profile.draft.value.id);

  /** A client for the form as it is now; a changed form gets a fresh one with the live subscriptions moved over. */
  function ensureClient(p: ResolvedProfile): ClientEntry {
    const id = profile.draft.value.id;
    const key = JSON.stringify(p);
    const old = clients.get(id);
    if (old && old.key === key && old.client.state.status !== 'closed') return old;
    const carried = old ? old.subs.filter((s) => s.status === 'active' || s.status === 'subscribing').map((s) => s.channel) : [];
    if (old) {
      old.off();
      old.client.close(1000);
    }
    const client = createEventsClient({ profile: p, WebSocket: deps.WebSocket, onWire });
    const entry: ClientEntry = { profileId: id, key, mode: p.auth.mode, client, subs: [], off: client.onChange(changed) };
    clients.set(id, entry);
    for (const c of carried) entry.subs.push(client.subscribe(c));
    changed();
    return entry;
  }

  function connect(): void {
    const p = resolved();
    if (!p) return;
    const e = ensureClient(p);
    e.client.connect().catch(() => undefined);
  }

  function disconnect(): void {
    current()?.client.close(1000, 'closed from the console');
    changed();
  }

  function subscribe(): void {
    const ch = subscribeChannel.value.trim();
    const p = resolved();
    if (!p || !ch) return;
    const e = ensureClient(p);
    e.subs.push(e.client.subscribe(ch));
    changed();
  }

  function unsubscribe(sub: Subscription): void {
    void sub.unsubscribe().finally(changed);
    changed();
  }

  function removeSubscription(sub: Subscription): void {
    const e = current();
    if (!e) return;
    const i = e.subs.indexOf(sub);
    if (i >= 0) e.subs.splice(i, 1);
    changed();
  }

  /** Channel and text with the variables replaced; `advance` consumes a counter value. */
  function expanded(advance: boolean): { channel: string; body: string } {
    const ch = channel.value;
    const body = text.value;
    if (variablesIn(ch + body).length === 0) return { channel: ch, body };
    const t = templates.value.find((x) => x.id === activeTemplate.value);
    const base: Template = { id: t?.id ?? '', name: t?.name ?? '', channel: ch, body, transport: 'http', counter: t?.counter ?? adhocCounter };
    const out = expandTemplate(base, { now: now(), uuid: advance ? uuid : () => PREVIEW_UUID });
    if (advance) {
      if (t) {
        templates.value = templates.value.map((x) => (x.id === t.id ? { ...x, counter: out.template.counter } : x));
        void keep('templates', deps.storage.saveTemplates(templates.value));
      } else adhocCounter = out.template.counter;
    }
    return { channel: out.channel, body: out.body };
  }

  /** Problems of the editor's content as it would be sent. */
  function problems(): Problem[] {
    const x = expanded(false);
    const parsed = parseEventsText(x.body);
    if (!parsed.ok) return [...validatePublish(x.channel, ['']).filter((p) => p.field === 'channel'), parsed.problem];
    return validatePublish(x.channel, parsed.events);
  }

  async function send(transport: Transport, ch: string, body: string): Promise<void> {
    const p = resolved();
    if (!p) return;
    const parsed = parseEventsText(body);
    // An override sends what is there, even text that is not JSON, to see the service's answer.
    const events = parsed.ok ? parsed.events : [body];
    const entry: HistoryEntry = { id: newId(), at: now(), profileId: profile.draft.value.id, transport, channel: ch, body };
    history.value = addToHistory(history.value, entry);
    sending.value++;
    let outcome: PublishOutcome;
    try {
      outcome = transport === 'http' ? await httpPublish({ profile: p, channel: ch, events, fetch: deps.fetch, onWire }) : await ensureClient(p).client.publish(ch, events);
    } catch (e) {
      outcome = { ok: false, transport, errors: [{ errorType: 'Error', message: e instanceof Error ? e.message : String(e) }], durationMs: 0 };
    }
    sending.value--;
    batch(() => {
      history.value = settleHistory(history.value, entry.id, outcome);
      results.value = [{ ...entry, outcome, mode: p.auth.mode }, ...results.value].slice(0, RESULT_LIMIT);
    });
    void keep('history', deps.storage.saveHistory(history.value));
  }

  function publish(transport: Transport): Promise<void> {
    attempted.value = true;
    if (problems().length > 0 && !override.value) return Promise.resolve();
    const x = expanded(true);
    return send(transport, x.channel, x.body);
  }

  function rerun(id: string): Promise<void> {
    const h = history.value.find((x) => x.id === id);
    return h ? send(h.transport, h.channel, h.body) : Promise.resolve();
  }

  function loadFromHistory(id: string): void {
    const h = history.value.find((x) => x.id === id);
    if (!h) return;
    channel.value = h.channel;
    text.value = h.body;
    activeTemplate.value = null;
  }

  function clearHistory(): void {
    history.value = [];
    void keep('history', deps.storage.saveHistory([]));
  }

  function saveTemplate(transport: Transport = 'http'): void {
    const name = templateName.value.trim() || channel.value.trim() || 'Template';
    const existing = templates.value.find((t) => t.name === name);
    const t: Template = { id: existing?.id ?? newId(), name, channel: channel.value, body: text.value, transport, counter: existing?.counter ?? 0 };
    templates.value = existing ? templates.value.map((x) => (x.id === t.id ? t : x)) : [...templates.value, t];
    activeTemplate.value = t.id;
    templateName.value = '';
    void keep('templates', deps.storage.saveTemplates(templates.value));
  }

  function useTemplate(id: string): void {
    const t = templates.value.find((x) => x.id === id);
    if (!t) return;
    batch(() => {
      channel.value = t.channel;
      text.value = t.body;
      activeTemplate.value = t.id;
    });
  }

  function deleteTemplate(id: string): void {
    templates.value = templates.value.filter((t) => t.id !== id);
    if (activeTemplate.value === id) activeTemplate.value = null;
    void keep('templates', deps.storage.saveTemplates(templates.value));
  }

  function setText(v: string): void {
    text.value = v;
  }

  function dispose(): void {
    for (const e of clients.values()) {
      e.off();
      e.client.close(1000);
    }
    clients.clear();
    recorder?.finish();
  }

  return {
    profile,
    loaded,
    loadProblem,
    tick,
    current,
    channel,
    text,
    override,
    attempted,
    sending,
    results,
    history,
    templates,
    activeTemplate,
    templateName,
    subscribeChannel,
    recordedAs,
    recordingProblem,
    storageProblem,
    load,
    connect,
    disconnect,
    subscribe,
    unsubscribe,
    removeSubscription,
    problems,
    publish,
    rerun,
    loadFromHistory,
    clearHistory,
    saveTemplate,
    useTemplate,
    deleteTemplate,
    setText,
    dispose,
    now,
  };
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
