// HTTP publishes seen in DevTools' network log, which the panel forwards. The page's own
// fetch/XHR publishes are captured by the hook with more detail; these are kept only when
// the hook never reported the same request (workers' requests).

import type { HttpPublish } from '../../src/capture/records.ts';
import type { ObservedHttpPublish } from '../../src/messaging/contracts.ts';
import type { TabHub, TabState } from './tab-hub.ts';

/** How long the hook's record of the same request has to arrive. */
const HOOK_GRACE_MS = 1_500;

export function onNetworkPublish(hub: TabHub, state: TabState, observed: ObservedHttpPublish): void {
  state.dedupe.sawFromNetwork(observed);
  hub.deps.setTimer(() => {
    if (!state.dedupe.takeIfUnmatched(observed)) return;
    // While stopped, store() counts it as not stored.
    if (!hub.capturing(state)) return;
    const record: HttpPublish = { kind: 'http', ...hub.networkKey(), t: observed.startedAt, ...observed, via: 'network' };
    hub.store(state, [record]);
  }, HOOK_GRACE_MS);
}
