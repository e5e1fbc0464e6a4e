// Host access for replay to an endpoint profile on a custom domain: the view shows whether
// the extension may reach the profile's hosts and grants it in place, with the state the
// console keeps for its own profile (views/console/host-access-state.ts).

import type { ResolvedProfile } from '../../../../src/pubsub/index.ts';
import { createHostAccessState, originNames, type HostAccessCalls } from '../console/host-access-state.ts';

export { originNames };

/** The browser side, injected (views/console/host-access.ts in the panel, fakes in tests). */
export interface ReplayHostAccess extends HostAccessCalls {
  /** Origin patterns of the profile's hosts that may be withheld (custom domains); [] for AppSync's and loopback. */
  patterns(profile: ResolvedProfile): string[];
}

export function createReplayHostAccess(access: ReplayHostAccess | undefined) {
  const { state, check: checkOrigins, grant } = createHostAccessState(access);

  /** Re-checks for the profile about to be used (undefined: no endpoint target, nothing to say). */
  function check(profile: ResolvedProfile | undefined) {
    return checkOrigins(profile && access ? access.patterns(profile) : []);
  }

  /** Why a start cannot reach the profile, if it cannot (checked again: access can be revoked meanwhile). */
  async function problem(profile: ResolvedProfile): Promise<string | undefined> {
    const s = await check(profile);
    if (!s || s.granted) return undefined;
    return `The extension may not reach ${originNames(s.origins)} yet: click “Grant access” beside the profile (or allow the site in the browser’s extension settings), then start again.`;
  }

  return { state, check, grant, problem };
}
