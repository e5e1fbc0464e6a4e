// Pure pieces of the Console view: what the user typed as an endpoint turned into a URL,
// the words of the connection line, and the verdict names the view and its tests share.
import { hintFor, type ConnectionState, type ConsoleAuthMode, type Profile, type PublishOutcome, type Subscription } from '../../../../src/pubsub/index.ts';

/** The emulator's defaults (src/emulator/README.md): `npm run emulator` listens on 4000. */
export const EMULATOR_PORT = 4000;
export const EMULATOR_API_KEY = 'da2-localemulatorkey0000000000';

export function emulatorPreset(id: string): Profile {
  return {
    id,
    name: 'Local emulator',
    httpUrl: `http://127.0.0.1:${EMULATOR_PORT}/event`,
    realtimeUrl: '',
    auth: { mode: 'API_KEY', apiKey: EMULATOR_API_KEY },
    remember: false,
  };
}

export function blankProfile(id: string): Profile {
  return { id, name: '', httpUrl: '', realtimeUrl: '', auth: { mode: 'API_KEY', apiKey: '' }, remember: false };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/**
 * A domain as the AWS console shows it (`abc.appsync-api.us-east-1.amazonaws.com`) or a
 * full URL. A bare domain gets the secure scheme (plain for loopback, where the emulator
 * also speaks http/ws) and the service's path, so users can paste either.
 */
export function normaliseEndpoint(text: string, kind: 'http' | 'realtime'): string {
  const t = text.trim();
  if (!t || /^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return t;
  const slash = t.indexOf('/');
  const host = slash < 0 ? t : t.slice(0, slash);
  const path = slash < 0 ? '' : t.slice(slash);
  const plain = LOOPBACK.test(host);
  const scheme = kind === 'http' ? (plain ? 'http' : 'https') : plain ? 'ws' : 'wss';
  const fallback = kind === 'http' ? '/event' : '/event/realtime';
  return `${scheme}://${host}${path && path !== '/' ? path : fallback}`;
}

/**
 * Whether the "custom domain" note applies: the protocol engine calls every host that is not
 * an AppSync default domain custom, but loopback (the emulator) needs no host permission and
 * is not what users mean by a custom domain.
 */
export function isCustomDomain(custom: boolean, host: string): boolean {
  return custom && !LOOPBACK.test(host);
}

/**
 * The hint under an endpoint input, only when it adds something: the endpoint derived from
 * the other one when this input is empty, or the full URL a bare domain becomes.
 */
export function endpointHint(typed: string, resolved: string): string | null {
  const t = typed.trim();
  if (!t) return `derived: ${resolved}`;
  return t === resolved ? null : `→ ${resolved}`;
}

/** The profile with its endpoints as URLs, as resolveProfile expects them. */
export function withUrls(p: Profile): Profile {
  return { ...p, httpUrl: normaliseEndpoint(p.httpUrl, 'http'), realtimeUrl: normaliseEndpoint(p.realtimeUrl, 'realtime') };
}

export type ResultState = 'success' | 'partial' | 'failed' | 'error';

export function resultState(o: PublishOutcome): ResultState {
  if (!o.ok) return 'error';
  const failed = o.events.filter((e) => !e.ok).length;
  if (failed === 0) return 'success';
  return failed === o.events.length ? 'failed' : 'partial';
}

export type SubState = 'pending' | 'active' | 'failed' | 'unsubscribed' | 'closed';

export function subState(s: Subscription, conn: ConnectionState): SubState {
  if (s.status === 'failed') return 'failed';
  if (s.status === 'unsubscribed') return 'unsubscribed';
  if (conn.status === 'closed' || conn.status === 'idle') return 'closed';
  if (conn.status !== 'connected') return 'pending';
  return s.status === 'active' ? 'active' : 'pending';
}

/** The connection line; it starts with the state's name (the view's tests rely on it). */
export function connectionText(state: ConnectionState, mode: ConsoleAuthMode, now: number): string {
  switch (state.status) {
    case 'idle':
      return 'idle: not connected. Connect, subscribe or publish over WebSocket to open the connection.';
    case 'connecting':
      return `connecting… (attempt ${state.attempt + 1})`;
    case 'connected': {
      const ka = state.lastKaAt !== undefined ? `, last ${Math.max(0, Math.round((now - state.lastKaAt) / 1000))} s ago` : '';
      return `connected: ack received (timeout ${Math.round(state.connectionTimeoutMs / 1000)} s), ka ${state.kaCount}${ka}`;
    }
    case 'reconnecting':
      return `reconnecting in ${(state.delayMs / 1000).toFixed(1)} s (attempt ${state.attempt}${state.code !== undefined ? `, closed with ${state.code}` : ''}${state.reason ? ` ${state.reason}` : ''})`;
    case 'closed': {
      const errors = state.errors.map((e) => [e.errorType, e.errorCode, e.message].filter((x) => x !== undefined && x !== '').join(' ')).join('; ');
      const hint = state.errors.length ? hintFor(state.errors[0], { mode, operation: 'connect' }) : undefined;
      const who = state.byUser ? ' (closed by you)' : '';
      return ['closed', state.code !== undefined ? String(state.code) : '', state.reason ?? '', errors, hint ? `· ${hint}` : '', who]
        .filter((x) => x !== '')
        .join(' ');
    }
  }
}

// One formatter for every row: toLocaleTimeString with options builds a new one per call,
// which dominated a re-render of the results list.
let clock: Intl.DateTimeFormat | undefined;
export function formatTime(at: number): string {
  clock ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return `${clock.format(at)}.${String(new Date(at).getMilliseconds()).padStart(3, '0')}`;
}
