// Host access for replay to an endpoint profile on a custom domain: the view shows whether
// the extension may reach the profile's hosts and grants it in place, with the same
// optional-permission request the console makes. Both browsers grant optional host
// permissions only inside a user gesture, so `grant` calls `request` before anything async.

import { signal } from '@preact/signals';
import type { ResolvedProfile } from '../../../../src/pubsub/index.ts';

/** The browser side, injected (views/console/host-access.ts in the panel, fakes in tests). */
export interface ReplayHostAccess {
  /** Origin patterns of the profile's hosts that may be withheld (custom domains); [] for AppSync's and loopback. */
  patterns(profile: ResolvedProfile): string[];
  has(origins: readonly string[]): Promise<boolean>;
  /** Must be called synchronously from the click that asks. */
  request(origins: readonly string[]): Promise<boolean>;
}

export interface HostAccessState {
  readonly origins: readonly string[];
  readonly granted: boolean;
  /** The user was asked and said no (or the browser refused to ask). */
  readonly refused?: boolean;
}

/** A readable list of origins: `https://api.example.com`, not the pattern. */
export function originNames(origins: readonly string[]): string {
  return origins.map((o) => o.replace(/\/\*$/, '')).join(', ');
}

export function createReplayHostAccess(access: ReplayHostAccess | undefined) {
  const state = signal<HostAccessState | null>(null);
  let generation = 0;

  /** Re-checks for the profile about to be used (undefined: no endpoint target, nothing to say). */
  async function check(profile: ResolvedProfile | undefined): Promise<HostAccessState | null> {
    const mine = ++generation;
    const origins = profile && access ? access.patterns(profile) : [];
    if (origins.length === 0) {
      state.value = null;
      return null;
    }
    const granted = await access!.has(origins).catch(() => true);
    if (mine === generation) state.value = { origins, granted };
    return { origins, granted };
  }

  /** Asks the browser for the origins of the last check; resolves to whether they are granted. */
  function grant(): Promise<boolean> {
    const s = state.value;
    if (!s || s.granted || !access) return Promise.resolve(true);
    const asked = access.request(s.origins);
    generation++;
    return asked.then(
      (granted) => {
        state.value = { origins: s.origins, granted, ...(granted ? {} : { refused: true }) };
        return granted;
      },
      () => {
        state.value = { origins: s.origins, granted: false, refused: true };
        return false;
      },
    );
  }

  /** Why a start cannot reach the profile, if it cannot (checked again: access can be revoked meanwhile). */
  async function problem(profile: ResolvedProfile): Promise<string | undefined> {
    const s = await check(profile);
    if (!s || s.granted) return undefined;
    return `The extension may not reach ${originNames(s.origins)} yet: click “Grant access” beside the profile (or allow the site in the browser’s extension settings), then start again.`;
  }

  return { state, check, grant, problem };
}
