// Where the console keeps its things: profiles, templates and history in storage.local;
// secrets of profiles without "remember" in storage.session, which lasts as long as the
// browser and never reaches disk (Chrome 102+, Firefox 115+; both builds target newer).
// If storage.session is missing they stay in this page's memory only.
import browser from 'webextension-polyfill';
import { mergeSecrets, splitSecrets, type HistoryEntry, type Profile, type Secrets, type Template } from '../../../../src/pubsub/index.ts';

const PROFILES = 'console.profiles';
const TEMPLATES = 'console.templates';
const HISTORY = 'console.history';
const SECRETS = 'console.secrets';

type Area = { get(k: string): Promise<Record<string, unknown>>; set(v: Record<string, unknown>): Promise<void> };
const memory = new Map<string, unknown>();
const memoryArea: Area = {
  get: async (k) => (memory.has(k) ? { [k]: memory.get(k) } : {}),
  set: async (v) => void Object.entries(v).forEach(([k, x]) => memory.set(k, x)),
};
const sessionArea = (): Area => (browser.storage.session as Area | undefined) ?? memoryArea;
const localArea = (): Area => browser.storage.local as Area;

export interface ConsoleData {
  readonly profiles: Profile[];
  readonly templates: Template[];
  readonly history: HistoryEntry[];
}

export async function loadConsoleData(): Promise<ConsoleData> {
  const local = await localArea().get(PROFILES).then(async (a) => ({ ...a, ...(await localArea().get(TEMPLATES)), ...(await localArea().get(HISTORY)) }));
  const secrets = ((await sessionArea().get(SECRETS).catch((): Record<string, unknown> => ({})))[SECRETS] ?? {}) as Record<string, Secrets>;
  const profiles = (Array.isArray(local[PROFILES]) ? (local[PROFILES] as Profile[]) : []).map((p) => (p.remember ? p : mergeSecrets(p, secrets[p.id])));
  return {
    profiles,
    templates: Array.isArray(local[TEMPLATES]) ? (local[TEMPLATES] as Template[]) : [],
    history: Array.isArray(local[HISTORY]) ? (local[HISTORY] as HistoryEntry[]) : [],
  };
}

export async function saveProfiles(profiles: readonly Profile[]): Promise<void> {
  const stored: Profile[] = [];
  const secrets: Record<string, Secrets> = {};
  for (const p of profiles) {
    if (p.remember) {
      stored.push(p);
      continue;
    }
    const split = splitSecrets(p);
    stored.push(split.profile);
    secrets[p.id] = split.secrets;
  }
  await Promise.all([localArea().set({ [PROFILES]: stored }), sessionArea().set({ [SECRETS]: secrets }).catch(() => memoryArea.set({ [SECRETS]: secrets }))]);
}

export const saveTemplates = (t: readonly Template[]) => localArea().set({ [TEMPLATES]: t });
export const saveHistory = (h: readonly HistoryEntry[]) => localArea().set({ [HISTORY]: h });
