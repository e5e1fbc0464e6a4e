// The profile half of the Console's store: the saved profiles, the form being edited (the
// draft), what resolveProfile says about it, "use this page's endpoint" and host access.
// Extension APIs come in through ConsoleDeps so the store runs under happy-dom and node.
import { computed, signal } from '@preact/signals';
import type { PageCredential } from '../../../../src/messaging/contracts.ts';
import { authForMode, profileFromPage, resolveProfile, type ConsoleAuthMode, type Profile, type ProfileResolution } from '../../../../src/pubsub/index.ts';
import { blankProfile, emulatorPreset, withUrls } from './console-model.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { createHostAccessState } from './host-access-state.ts';

export type { HostAccessState } from './host-access-state.ts';

export type CredentialField = 'apiKey' | 'jwt' | 'token' | 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'region';

export function createProfileStore(deps: ConsoleDeps, newId: () => string) {
  const profiles = signal<Profile[]>([]);
  const draft = signal<Profile>(blankProfile(newId()));
  /** Set when the form differs from the saved profile of the same id (or is not saved). */
  const dirty = signal(false);
  const notice = signal<string | null>(null);
  const pageChoices = signal<readonly PageCredential[]>([]);
  const pageNote = signal<string | null>(null);
  const host = createHostAccessState(deps.hostAccess);
  const hostAccess = host.state;
  const resolution = computed<ProfileResolution>(() => resolveProfile(withUrls(draft.value)));

  function checkHost(): void {
    const r = resolution.value;
    void host.check(r.ok && r.profile.custom ? deps.hostAccess.patterns(r.profile.httpUrl, r.profile.realtimeUrl) : []);
  }

  function setDraft(next: Profile): void {
    draft.value = next;
    dirty.value = true;
    notice.value = null;
    checkHost();
  }

  function load(list: readonly Profile[]): void {
    profiles.value = [...list];
    const first = list[0];
    if (first) pick(first.id);
  }

  function pick(id: string): void {
    const p = profiles.value.find((x) => x.id === id);
    draft.value = p ?? blankProfile(newId());
    dirty.value = !p;
    notice.value = null;
    pageNote.value = null;
    pageChoices.value = [];
    checkHost();
  }

  async function persist(list: Profile[]): Promise<boolean> {
    profiles.value = list;
    try {
      await deps.storage.saveProfiles(list);
      return true;
    } catch (e) {
      notice.value = `The profiles could not be saved: ${e instanceof Error ? e.message : String(e)}`;
      return false;
    }
  }

  async function save(): Promise<void> {
    const d = draft.value;
    const r = resolution.value;
    const name = d.name.trim() || (r.ok ? r.profile.httpHost : '') || 'Untitled profile';
    const saved: Profile = { ...d, name };
    draft.value = saved;
    const list = profiles.value.some((p) => p.id === saved.id) ? profiles.value.map((p) => (p.id === saved.id ? saved : p)) : [...profiles.value, saved];
    if (await persist(list)) {
      dirty.value = false;
      notice.value = saved.remember ? `Saved "${name}" with its secrets.` : `Saved "${name}"; its secrets stay in memory until the browser closes.`;
    }
  }

  async function remove(id: string): Promise<void> {
    await persist(profiles.value.filter((p) => p.id !== id));
    pick(profiles.value[0]?.id ?? '');
  }

  function useEmulator(): void {
    setDraft(emulatorPreset(draft.value.id));
  }

  function setMode(mode: ConsoleAuthMode): void {
    setDraft({ ...draft.value, auth: authForMode(mode, draft.value.auth) });
  }

  function setCredential(field: CredentialField, value: string): void {
    const auth: Record<string, unknown> = { ...draft.value.auth, [field]: value };
    if ((field === 'sessionToken' || field === 'region') && value === '') delete auth[field];
    setDraft({ ...draft.value, auth: auth as unknown as Profile['auth'] });
  }

  function fillFromPage(connection: string): void {
    const c = pageChoices.value.find((x) => x.connection === connection);
    if (!c) return;
    const filled = profileFromPage({ kind: c.kind, url: c.url, headers: c.headers });
    if (!filled) {
      pageNote.value = `The connection to ${c.url} is not an AppSync Events endpoint the console can use.`;
      return;
    }
    let host = '';
    try {
      host = new URL(filled.httpUrl).host;
    } catch {
      host = '';
    }
    setDraft({ ...draft.value, name: draft.value.name || `Page · ${host}`, httpUrl: filled.httpUrl, realtimeUrl: filled.realtimeUrl, auth: filled.auth });
    pageNote.value = filled.note ?? `Filled from the page's ${c.kind === 'websocket' ? 'WebSocket' : 'HTTP publish'} to ${host}.`;
  }

  async function usePageEndpoint(): Promise<void> {
    if (!deps.pageCredentials) return;
    pageNote.value = 'Asking for the page’s connections…';
    let list: readonly PageCredential[];
    try {
      list = await deps.pageCredentials();
    } catch (e) {
      pageNote.value = `The page's connections could not be read: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    // Open sockets first, then the most recently seen: the likeliest to still be valid.
    const usable = list.filter((c) => profileFromPage(c)).sort((a, b) => Number(b.open) - Number(a.open) || b.seenAt - a.seenAt);
    pageChoices.value = usable;
    if (usable.length === 0) {
      pageNote.value = 'No AppSync Events connection has been captured on this page yet: let the page connect or publish (reload it with DevTools open), then try again.';
      return;
    }
    fillFromPage(usable[0]!.connection);
  }

  async function grantHostAccess(): Promise<void> {
    if (!hostAccess.value) return;
    // Called straight from the click: both browsers want the request inside a user gesture.
    const granted = await host.grant();
    if (!granted) notice.value = 'Access was not granted: requests to this domain will fail until it is.';
  }

  return {
    profiles,
    draft,
    dirty,
    notice,
    resolution,
    pageChoices,
    pageNote,
    hostAccess,
    canUsePage: deps.pageCredentials !== null,
    load,
    pick,
    setDraft,
    save,
    remove,
    useEmulator,
    setMode,
    setCredential,
    usePageEndpoint,
    fillFromPage,
    grantHostAccess,
  };
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
