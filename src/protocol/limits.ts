// Every AppSync Events limit the engine checks, in one place. Section numbers refer to
// the wire-protocol reference (appsync-events-protocol.md). Limits marked "secondary" come
// from summaries of the General Reference that were not read first-hand (reference 6, 11.9).

/** Events in one publish, HTTP or WebSocket (reference 3.1, 4, 6). */
export const MAX_EVENTS_PER_PUBLISH = 5;

/**
 * Size of one event (reference 6: "240 KB per event"; LIVE error text "larger than 240KB").
 * We read KB as 1024 bytes and measure the UTF-8 bytes of the event string as sent. The
 * service measures the "transformed" event, which we cannot see, so this is a close but not
 * exact predictor; the binary reading is the more lenient one, so we do not flag events the
 * service would accept.
 */
export const MAX_EVENT_BYTES = 240 * 1024;

/** Segments in a channel path, namespace included (reference 5, 6). */
export const MAX_CHANNEL_SEGMENTS = 5;

/** Characters in one channel segment (reference 5, 6). */
export const MAX_SEGMENT_LENGTH = 50;

/** Operation id rule for subscribe / unsubscribe / publish (reference 3.1, 6). */
export const OPERATION_ID_PATTERN = /^[a-zA-Z0-9-_+]{1,128}$/;
export const MAX_OPERATION_ID_LENGTH = 128;

/** Subscriptions on one WebSocket connection (reference 6, secondary; adjustable quota). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;

/** Longest a connection may live (reference 2.5, 6). */
export const MAX_CONNECTION_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Documented connection_ack `connectionTimeoutMs` (reference 2.3, 6). */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;

/** Interval between server `ka` frames (reference 2.4, 6). */
export const KEEP_ALIVE_INTERVAL_MS = 60_000;

/**
 * Whole publish request (reference 6: "1.2 MB", secondary). Read as 1.2 * 1024 * 1024
 * bytes for the same reason as MAX_EVENT_BYTES: never flag what the service may accept.
 */
export const MAX_PUBLISH_REQUEST_BYTES = Math.floor(1.2 * 1024 * 1024);

/** Publish requests per second on one WebSocket connection (reference 6, secondary). */
export const MAX_PUBLISHES_PER_SECOND_PER_CONNECTION = 25;

/** Our own cap, not AppSync's: frames bigger than this are not JSON-decoded. */
export const DEFAULT_MAX_DECODE_BYTES = 8 * 1024 * 1024;
