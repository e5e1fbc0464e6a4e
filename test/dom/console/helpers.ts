// The Console store wired to in-memory storage, a real emulator over `ws` and node's own
// fetch (undici; happy-dom's would apply page CORS rules), and fake page credentials.
import { fetch as nodeFetch } from 'undici';
import type { PageCredential } from '../../../src/messaging/contracts.ts';
import type { FetchLike, HistoryEntry, Profile, Template } from '../../../src/pubsub/index.ts';
import type { ConsoleDeps } from '../../../extension/panel/views/console/console-deps.ts';
import { createConsoleStore } from '../../../extension/panel/views/console/console-store.ts';
import { wsFactory } from '../../unit/pubsub/helpers.ts';

export { emulator, stopAll, API_KEY, jwt, COGNITO_SECRET, COGNITO_ISSUER } from '../../unit/pubsub/helpers.ts';

export interface MemoryStorage {
  profiles: Profile[];
  templates: Template[];
  history: HistoryEntry[];
}

export const nodeFetchLike: FetchLike = (url, init) => nodeFetch(url, init) as unknown as ReturnType<FetchLike>;

export function consoleDeps(over: Partial<ConsoleDeps> & { saved?: Partial<MemoryStorage>; granted?: boolean; page?: PageCredential[] | null } = {}) {
  const saved: MemoryStorage = { profiles: [], templates: [], history: [], ...over.saved };
  const requested: string[][] = [];
  let granted = over.granted ?? true;
  const deps: ConsoleDeps = {
    storage: {
      load: async () => structuredClone(saved),
      saveProfiles: async (p) => void (saved.profiles = structuredClone([...p])),
      saveTemplates: async (t) => void (saved.templates = structuredClone([...t])),
      saveHistory: async (h) => void (saved.history = structuredClone([...h])),
    },
    WebSocket: wsFactory,
    fetch: nodeFetchLike,
    recording: null,
    pageCredentials: over.page === null || over.page === undefined ? null : async () => over.page!,
    hostAccess: {
      patterns: (h, r) => [h, r].map((u) => new URL(u)).filter((u) => !/127\.0\.0\.1|amazonaws/.test(u.hostname)).map((u) => `https://${u.hostname}/*`).filter((x, i, a) => a.indexOf(x) === i),
      has: async () => granted,
      request: async (o) => (requested.push([...o]), (granted = true)),
    },
    ...over,
  };
  return { deps, saved, requested };
}

export function makeStore(over: Parameters<typeof consoleDeps>[0] = {}) {
  const { deps, saved, requested } = consoleDeps(over);
  return { store: createConsoleStore(deps), saved, requested };
}
