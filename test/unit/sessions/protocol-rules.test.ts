// The sessions store applies the protocol module's rules, not copies of them: the channel
// filter answers what channelMatches answers (`*` and `/*` included), and a connection's auth
// mode is what detectAuthMode says (Cognito and OIDC named as the service names them).
// Sessions written before that may say `JWT`; an import keeps that value as it is.

import { describe, expect, it } from 'vitest';
import { classify, freshDb, redact, SocketScript, HTTP_URL } from './helpers.ts';
import { compileFilter } from '../../../src/sessions/frame-filter.ts';
import { channelMatches } from '../../../src/protocol/channel.ts';
import { detectAuthMode, encodeAuthSubprotocol } from '../../../src/protocol/auth.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { exportSession } from '../../../src/sessions/export-session.ts';
import { importSession } from '../../../src/sessions/import-session.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { StoredFrame } from '../../../src/sessions/types.ts';

const frame = (channel: string): StoredFrame => ({ pos: 0, t: 0, conn: 'c', dir: 'receive', size: 0, flags: 0, sock: 'c', seq: 0, channel }) as StoredFrame;

function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
}
const COGNITO = jwt({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', sub: 'u' });
const OIDC = jwt({ iss: 'https://login.example.com', sub: 'u' });

describe('one channel rule', () => {
  const patterns = ['*', '/*', '/ns/*', 'ns/*', '/ns/a', '/ns/a/*', 'ns/a/'];
  const channels = ['/ns', '/ns/a', 'ns/a', '/ns/a/b', '/ns/*', '/other/a', '*', '/*'];
  for (const p of patterns) {
    it(`filter pattern ${JSON.stringify(p)} agrees with channelMatches`, () => {
      const filter = compileFilter({ channels: [p] });
      for (const c of channels) expect([c, filter.matches(frame(c))]).toEqual([c, channelMatches(p, c)]);
    });
  }

  it('answers the cases the copies disagreed on', () => {
    // A bare wildcard is not a valid subscription (no namespace), so it matches nothing.
    expect(compileFilter({ channels: ['*'] }).matches(frame('/ns/a'))).toBe(false);
    expect(compileFilter({ channels: ['/*'] }).matches(frame('/ns/a'))).toBe(false);
    // Data frames carry their subscription's pattern, which its own pattern covers.
    expect(compileFilter({ channels: ['/ns/*'] }).matches(frame('/ns/*'))).toBe(true);
    expect(compileFilter({ channels: ['/ns/*'] }).matches(frame('/ns'))).toBe(false);
  });
});

describe('one auth-mode rule', () => {
  async function recordedModes(records: CaptureRecord[]) {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    await rec.append(records);
    const conns = await db.getAll('connections', IDBKeyRange.bound([s.id], [s.id, []]));
    return { db, session: s, modes: Object.fromEntries(conns.map((c) => [c.connId, c.authMode ?? null])) };
  }

  function socketWith(id: string, header: Record<string, unknown>): CaptureRecord {
    const sock = new SocketScript(id);
    const create = sock.create() as Extract<CaptureRecord, { kind: 'ws-create' }>;
    return { ...create, protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol(header)] };
  }

  function publishWith(seq: number, headers: Record<string, string>, url = HTTP_URL): CaptureRecord {
    return {
      kind: 'http', socketId: 'p:h' as SocketId, seq, t: 1 + seq, url, method: 'POST', frameUrl: 'https://app.test/',
      requestHeaders: headers, requestBody: '{"channel":"/default/x","events":["1"]}', status: 200,
      responseBody: '{"successful":[]}', startedAt: 1 + seq, duration: 1, via: 'fetch',
    };
  }

  it('names Cognito and OIDC tokens as the service does, on sockets and publishes', async () => {
    const { modes } = await recordedModes([
      socketWith('p:1', { host: 'h', Authorization: COGNITO }),
      socketWith('p:2', { host: 'h', Authorization: OIDC }),
      socketWith('p:3', { host: 'h', Authorization: 'custom-lambda-token' }),
      publishWith(0, { authorization: `Bearer ${COGNITO}` }, `${HTTP_URL}?a`),
    ]);
    expect(modes).toEqual({
      'p:1': 'AMAZON_COGNITO_USER_POOLS',
      'p:2': 'OPENID_CONNECT',
      'p:3': 'AWS_LAMBDA',
      [`http ${HTTP_URL}`]: 'AMAZON_COGNITO_USER_POOLS',
    });
    expect(modes['p:1']).toBe(detectAuthMode({ Authorization: COGNITO }));
  });

  it('keeps a known mode when a later publish carries no credentials', async () => {
    const { modes } = await recordedModes([publishWith(0, { 'x-api-key': 'da2-x' }), publishWith(1, {})]);
    expect(modes[`http ${HTTP_URL}`]).toBe('API_KEY');
  });

  it('imports a session of an earlier version that says JWT as it is', async () => {
    const { db, session } = await recordedModes([socketWith('p:1', { host: 'h', Authorization: OIDC })]);
    const text = await new Response(await exportSession(db, session.id, { redact })).text();
    expect(text).toContain('"authMode":"OPENID_CONNECT"');
    const old = text.replace('"authMode":"OPENID_CONNECT"', '"authMode":"JWT"');
    const { session: copy } = await importSession(db, new Blob([old]), { classify, redact });
    const conns = await db.getAll('connections', IDBKeyRange.bound([copy.id], [copy.id, []]));
    expect(conns.map((c) => c.authMode)).toEqual(['JWT']);
  });
});
