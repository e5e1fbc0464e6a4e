// Public API of the pub/sub engine: profiles, auth, validation, HTTP and WebSocket
// clients, templates, history and hints. Pure TypeScript: WebSocket, fetch and the clock
// are injected, so the same code runs in the panel and under node.

export * from './types.ts';
export { authForMode, jwtInfo, mergeSecrets, missingCredential, resolveEndpoints, resolveProfile, splitSecrets, type JwtInfo, type ProfileResolution, type Secrets } from './profile.ts';
export { amzDate, connectProtocols, httpHeaders, wsAuthorization, VIRTUAL_HEADERS } from './auth.ts';
export { signRequest, type SignInput, type SigningCredentials } from './sigv4.ts';
export { parseEventsText, validateChannel, validatePublish, type EventsParse, type Problem } from './validate.ts';
export { httpPublish, type FetchLike, type HttpPublishOptions } from './http-publish.ts';
export { createEventsClient, systemClock, type ClientOptions, type Clock, type ConnectionState, type EventsClient, type WebSocketFactory, type WebSocketLike } from './client.ts';
export type { ReceivedEvent, Subscription, SubscriptionStatus } from './subscription.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { expandTemplate, variablesIn, uuid, TEMPLATE_VARIABLES, type Template, type ExpandContext } from './templates.ts';
export { addToHistory, settleHistory, outcomeSummary, HISTORY_LIMIT, type HistoryEntry } from './history.ts';
export { hintFor, modeLabel, type HintContext } from './hints.ts';
export { createCaptureTap, type WireEvent, type WireListener } from './wire.ts';
export { profileFromPage, type FilledProfile, type PageConnection } from './from-page.ts';
