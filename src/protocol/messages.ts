// The typed model of every AppSync Events message (reference 3, 4). Each type has an index
// signature because real frames carry undocumented fields (Amplify's `payload`, reference
// 9.5) and the decoder preserves them.

/** Fields not in the model, kept as they came. */
interface Extra {
  readonly [field: string]: unknown;
}

/** `{errorType, message?, errorCode?}` (reference 3.3). errorCode is often absent. */
export interface AppSyncError extends Extra {
  readonly errorType: string;
  readonly message?: string;
  readonly errorCode?: number;
}

// ---- client → server ----

export interface ConnectionInitMessage extends Extra {
  readonly type: 'connection_init';
}

/** Header object sent per operation and in the `header-` subprotocol (reference 2.2). */
export type AuthorizationHeaders = Readonly<Record<string, unknown>>;

export interface SubscribeMessage extends Extra {
  readonly type: 'subscribe';
  readonly id: string;
  readonly channel: string;
  readonly authorization?: AuthorizationHeaders;
}

export interface UnsubscribeMessage extends Extra {
  readonly type: 'unsubscribe';
  readonly id: string;
}

export interface PublishMessage extends Extra {
  readonly type: 'publish';
  readonly id: string;
  readonly channel: string;
  /** Each entry is a JSON text (reference 3.2). */
  readonly events: readonly string[];
  readonly authorization?: AuthorizationHeaders;
}

// ---- server → client ----

export interface ConnectionAckMessage extends Extra {
  readonly type: 'connection_ack';
  /** Top-level, unlike GraphQL real-time's `payload.connectionTimeoutMs` (reference 2.3). */
  readonly connectionTimeoutMs?: number;
}

export interface KeepAliveMessage extends Extra {
  readonly type: 'ka';
}

export interface ConnectionErrorMessage extends Extra {
  readonly type: 'connection_error';
  readonly errors?: readonly AppSyncError[];
}

export interface SubscribeSuccessMessage extends Extra {
  readonly type: 'subscribe_success';
  readonly id: string;
}

export interface SubscribeErrorMessage extends Extra {
  readonly type: 'subscribe_error';
  readonly id: string;
  readonly errors?: readonly AppSyncError[];
}

/** One event per frame; `id` is the subscription's, and there is no channel (reference 3.3). */
export interface DataMessage extends Extra {
  readonly type: 'data';
  readonly id: string;
  /** A JSON text. The docs' array example is contradicted by every live source. */
  readonly event: string;
}

export interface BroadcastErrorMessage extends Extra {
  readonly type: 'broadcast_error';
  readonly id: string;
  readonly errors?: readonly AppSyncError[];
}

export interface UnsubscribeSuccessMessage extends Extra {
  readonly type: 'unsubscribe_success';
  readonly id: string;
}

export interface UnsubscribeErrorMessage extends Extra {
  readonly type: 'unsubscribe_error';
  readonly id: string;
  readonly errors?: readonly AppSyncError[];
}

export interface PublishSuccessEntry extends Extra {
  readonly identifier: string;
  /** Position in the request's `events`. */
  readonly index: number;
}

/**
 * A failed event. The shape varies by source (reference 3.3): LIVE sends `code` as a string
 * plus `message`, `identifier`, `index`; Android models `code` as a number; Swift reads
 * `errorCode` / `errorMessage`. All are optional here.
 */
export interface PublishFailureEntry extends Extra {
  readonly code?: string | number;
  readonly message?: string;
  readonly identifier?: string;
  readonly index?: number;
  readonly errorCode?: string | number;
  readonly errorMessage?: string;
}

export interface PublishSuccessMessage extends Extra {
  readonly type: 'publish_success';
  readonly id: string;
  readonly successful: readonly PublishSuccessEntry[];
  readonly failed: readonly PublishFailureEntry[];
}

export interface PublishErrorMessage extends Extra {
  readonly type: 'publish_error';
  readonly id: string;
  readonly errors?: readonly AppSyncError[];
}

/** Generic rejection; may lack an id (reference 3.1). */
export interface ErrorMessage extends Extra {
  readonly type: 'error';
  readonly id?: string;
  readonly errors?: readonly AppSyncError[];
}

export type ClientMessage = ConnectionInitMessage | SubscribeMessage | UnsubscribeMessage | PublishMessage;

export type ServerMessage =
  | ConnectionAckMessage
  | KeepAliveMessage
  | ConnectionErrorMessage
  | SubscribeSuccessMessage
  | SubscribeErrorMessage
  | DataMessage
  | BroadcastErrorMessage
  | UnsubscribeSuccessMessage
  | UnsubscribeErrorMessage
  | PublishSuccessMessage
  | PublishErrorMessage
  | ErrorMessage;

export type AppSyncMessage = ClientMessage | ServerMessage;
export type MessageType = AppSyncMessage['type'];
export type ClientMessageType = ClientMessage['type'];
export type ServerMessageType = ServerMessage['type'];

export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ['connection_init', 'subscribe', 'unsubscribe', 'publish'];

export const SERVER_MESSAGE_TYPES: readonly ServerMessageType[] = [
  'connection_ack',
  'ka',
  'connection_error',
  'subscribe_success',
  'subscribe_error',
  'data',
  'broadcast_error',
  'unsubscribe_success',
  'unsubscribe_error',
  'publish_success',
  'publish_error',
  'error',
];

export const MESSAGE_TYPES: readonly MessageType[] = [...CLIENT_MESSAGE_TYPES, ...SERVER_MESSAGE_TYPES];

const ALL = new Set<string>(MESSAGE_TYPES);
const CLIENT = new Set<string>(CLIENT_MESSAGE_TYPES);
const SERVER = new Set<string>(SERVER_MESSAGE_TYPES);

export function isMessageType(type: unknown): type is MessageType {
  return typeof type === 'string' && ALL.has(type);
}
export function isClientMessageType(type: unknown): type is ClientMessageType {
  return typeof type === 'string' && CLIENT.has(type);
}
export function isServerMessageType(type: unknown): type is ServerMessageType {
  return typeof type === 'string' && SERVER.has(type);
}

// ---- HTTP publish (reference 4) ----

export interface HttpPublishRequest extends Extra {
  /** Leading slash optional on the wire. */
  readonly channel: string;
  readonly events: readonly string[];
}

/** 2xx body: per-event results; partial failure still arrives as a normal response. */
export interface HttpPublishResult extends Extra {
  readonly successful: readonly PublishSuccessEntry[];
  readonly failed: readonly PublishFailureEntry[];
}

/** Request-level failure body, e.g. UnauthorizedException. */
export interface HttpPublishErrors extends Extra {
  readonly errors: readonly AppSyncError[];
}

export type HttpPublishResponse = HttpPublishResult | HttpPublishErrors;
