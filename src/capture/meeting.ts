// Where the hook (MAIN world) and the relay (isolated world) meet at document_start to hand
// over the private MessagePort, without the page's event listeners on the way.
//
// A window `message` event is not private: a frame's initial about:blank Window is reused
// by the same-origin document that replaces it (srcdoc, a same-origin src; HTML "navigate",
// reuse of the Window when the new document is same origin-domain), so listeners a parent
// page put on that Window before the navigation are already registered, capturing or not,
// and run before anything the frame's hook adds (listeners run in registration order;
// measured in Chromium and Firefox by test/e2e/capture-handshake.test.ts). Events on a node
// in the document propagate to the Window too.
//
// So the handshake uses a node that is detached when any event is dispatched on it: an
// event's path is the node and its ancestors, so a detached node's events reach only its
// own listeners. The first of the two scripts to run creates the meeting element, listens
// on it, and puts it under the document element; the second one, in the same task (both
// document_start scripts run before any page script), finds it, detaches it, then talks to
// the first over it:
//  - relay second: it dispatches MEETING_PORT (a MessageEvent carrying the port) on it;
//  - hook second: it listens for MEETING_PORT and dispatches MEETING_HELLO on it, and the
//    relay's listener answers with MEETING_PORT in the same dispatch.
// Strings travel as attributes of the element, not as event data, since event data
// created in one world is not readable as such in the other (Chromium hands the other world
// null for a script value; Firefox an opaque wrapper).
//
// The names are fixed: only the two scripts ever hold the element, and it is in the
// document only between them, when no page script can run.

/** Marks the meeting element while it waits under the document element for the second script. */
export const MEETING_ATTR = 'data-appsync-events-devtools-meet';
/**
 * On the meeting element: the hook's nonce. Should a page still hold the hook's port, the
 * relay accepts only the `hookReady` that carries it, and the background records only under it.
 */
export const MEETING_NONCE_ATTR = 'data-nonce';
/** On the meeting element: the name of the relay's unload flush event. */
export const MEETING_FLUSH_ATTR = 'data-flush';
/** A MessageEvent whose `ports[0]` is the hook's end of the private channel. */
export const MEETING_PORT = 'appsync-devtools-meeting-port';
/** The hook came second and asks for the port. */
export const MEETING_HELLO = 'appsync-devtools-meeting-hello';
