// The Console's store wired to the browser: extension storage, the page's WebSocket and
// fetch, the sessions database, the background's page credentials and permissions.
import type { WebSocketLike } from '../../../../src/pubsub/index.ts';
import type { ConsoleDeps } from './console-deps.ts';
import { createConsoleRecording } from './console-recording.ts';
import { loadConsoleData, saveHistory, saveProfiles, saveTemplates } from './console-storage.ts';
import { hasAccess, originPatterns, requestAccess } from './host-access.ts';
import { listPageCredentials } from './page-endpoint.ts';

export function browserConsoleDeps(tabId: number | null): ConsoleDeps {
  return {
    storage: { load: loadConsoleData, saveProfiles, saveTemplates, saveHistory },
    WebSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    fetch: (url, init) => fetch(url, init),
    recording: (cb) => createConsoleRecording(cb.onProblem, cb.onSession),
    pageCredentials: tabId === null ? null : () => listPageCredentials(tabId),
    hostAccess: { patterns: originPatterns, has: hasAccess, request: requestAccess },
  };
}
