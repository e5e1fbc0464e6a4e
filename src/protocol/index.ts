// Public API of the protocol engine: pure TypeScript shared by the page hook, the extension
// and the Node emulator. No extension or Node-only APIs below this folder.

export * from './limits.ts';
export { normalizeChannel, parseChannel, channelMatches, type ChannelParse } from './channel.ts';
export {
  APPSYNC_EVENTS_SUBPROTOCOL,
  AUTH_SUBPROTOCOL_PREFIX,
  decodeAuthSubprotocol,
  decodeJwt,
  detectAuthMode,
  encodeAuthSubprotocol,
  findAuthSubprotocol,
  findHeaderKey,
  fingerprint,
  getHeader,
  redactAuthHeaders,
  redactFrameText,
  redactSubprotocol,
  type AuthMode,
  type DecodedJwt,
} from './auth.ts';
export * from './messages.ts';
export {
  classifyFrame,
  decodeFrame,
  decodeHttpPublish,
  decodeHttpPublishResponse,
  type BinaryDescription,
  type DecodeOptions,
  type DecodeProblem,
  type DecodedEvent,
  type DecodedFrame,
  type DecodedHttpPublish,
  type DecodedHttpPublishResponse,
  type Direction,
  type FrameClass,
  type FrameInput,
  type PseudoType,
  type PublishFailure,
} from './decode.ts';
export {
  httpUrlFromRealtime,
  isAppSyncEventsSocket,
  isHttpPublish,
  parseEndpoint,
  realtimeUrlFromHttp,
  type EndpointInfo,
} from './endpoints.ts';
export {
  createLintContext,
  lintFrame,
  lintHttpPublish,
  type ConnectionAuth,
  type LintContext,
  type LintFinding,
  type LintSeverity,
  type SubscriptionState,
} from './lint.ts';
export { parseJson, isRecord, type JsonParse } from './json.ts';
export { utf8Length } from './base64.ts';
