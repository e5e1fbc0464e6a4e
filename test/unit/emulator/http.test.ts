// HTTP publish (POST /event): CORS, request-level errors with status and x-amzn-ErrorType,
// per-event failures; and the static file server for demo pages.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/index.ts';
import { resolveStaticPath } from '../../../src/emulator/static.ts';
import { KEY, UUID, connect, emulator, stopAll, subscribe } from './helpers.ts';

afterEach(stopAll);

function post(emu: Emulator, body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }): Promise<Response> {
  return fetch(emu.plainHttpUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectError(res: Response, status: number, errorType: string, message?: string | RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('x-amzn-errortype')).toBe(errorType);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  const body = (await res.json()) as { errors: { errorType: string; message: string }[] };
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.errorType).toBe(errorType);
  if (message) expect(body.errors[0]?.message).toMatch(message);
}

/** Raw GET that keeps the path exactly as written (fetch would normalise `..`). */
function rawGet(emu: Emulator, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: emu.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP publish', () => {
  it('publishes and answers {failed, successful} with CORS and a request id', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    await subscribe(c, 's', '/default/*', { 'x-api-key': KEY });
    const res = await post(emu, { channel: 'default/channel', events: ['{"event_1":"data_1"}', '{"event_2":"data_2"}'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-amzn-requestid')).toMatch(UUID);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['failed', 'successful']);
    expect(body).toEqual({
      failed: [],
      successful: [
        { identifier: expect.stringMatching(UUID), index: 0 },
        { identifier: expect.stringMatching(UUID), index: 1 },
      ],
    });
    expect(await c.nextOf('data')).toEqual({ id: 's', type: 'data', event: '{"event_1":"data_1"}' });
    expect(await c.nextOf('data')).toEqual({ id: 's', type: 'data', event: '{"event_2":"data_2"}' });
    expect(emu.log.find((e) => e.kind === 'http')).toMatchObject({ method: 'POST', path: '/event', status: 200 });
  });

  it('answers the CORS preflight with 204', async () => {
    const emu = await emulator();
    const res = await fetch(emu.plainHttpUrl!, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key,x-amz-user-agent,x-amz-custom-thing,authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
    for (const h of ['content-type', 'x-api-key', 'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-user-agent', 'x-amz-custom-thing']) {
      expect(allowed).toContain(h);
    }
    expect(res.headers.get('access-control-expose-headers')).toContain('x-amzn-ErrorType');
  });

  it('echoes a browser Origin with credentials allowed, and * without an Origin', async () => {
    const emu = await emulator();
    const body = { channel: '/default/x', events: ['1'] };
    const fromPage = await post(emu, body, { 'x-api-key': KEY, origin: 'https://app.example.com' });
    expect(fromPage.status).toBe(200);
    expect(fromPage.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(fromPage.headers.get('access-control-allow-credentials')).toBe('true');
    const failed = await post(emu, body, { origin: 'https://app.example.com' });
    expect(failed.status).toBe(401);
    expect(failed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const noOrigin = await post(emu, body);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
    expect(noOrigin.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('returns per-event failures with status 200', async () => {
    const emu = await emulator({ limits: { maxEventBytes: 50 } });
    const res = await post(emu, { channel: '/default/x', events: ['1', JSON.stringify('y'.repeat(60)), 'not json'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      failed: [
        { identifier: expect.stringMatching(UUID), index: 1, code: 413, errorType: 'EventTooLargeException', message: 'Transformed event is larger than 240KB' },
        { identifier: expect.stringMatching(UUID), index: 2, code: 400, errorType: 'BadRequestException', message: 'Event is not valid JSON' },
      ],
      successful: [{ identifier: expect.stringMatching(UUID), index: 0 }],
    });
  });

  it('answers auth failures with 401 UnauthorizedException', async () => {
    const emu = await emulator();
    await expectError(await post(emu, { channel: '/default/x', events: ['1'] }, {}), 401, 'UnauthorizedException', 'You are not authorized to make this call.');
    await expectError(await post(emu, { channel: '/default/x', events: ['1'] }, { 'x-api-key': 'da2-bad' }), 401, 'UnauthorizedException');
  });

  it('answers malformed requests with 400 BadRequestException', async () => {
    const emu = await emulator();
    await expectError(await post(emu, '{not json'), 400, 'BadRequestException');
    await expectError(await post(emu, '[1,2]'), 400, 'BadRequestException');
    await expectError(await post(emu, { events: ['1'] }), 400, 'BadRequestException', /Invalid Channel Format/);
    await expectError(await post(emu, { channel: '/default/*', events: ['1'] }), 400, 'BadRequestException', /Invalid Channel Format/);
    await expectError(await post(emu, { channel: '/default/x' }), 400, 'BadRequestException');
    await expectError(await post(emu, { channel: '/default/x', events: [{ a: 1 }] }), 400, 'BadRequestException');
    await expectError(await post(emu, { channel: '/default/x', events: ['1', '2', '3', '4', '5', '6'] }), 400, 'BadRequestException', /Too many events/);
  });

  it('answers an unknown namespace with 404 ResourceNotFound', async () => {
    const emu = await emulator();
    await expectError(await post(emu, { channel: '/missing/x', events: ['1'] }), 404, 'ResourceNotFound', 'Namespace not found: missing');
  });

  it('answers oversized bodies with 413 and other methods with 405', async () => {
    const emu = await emulator({ limits: { maxMessageBytes: 1000 } });
    await expectError(await post(emu, { channel: '/default/x', events: [JSON.stringify('z'.repeat(2000))] }), 413, 'BadRequestException');
    const get = await fetch(emu.plainHttpUrl!);
    await expectError(get, 405, 'BadRequestException');
  });

  it('also works over HTTPS on the same port', async () => {
    const emu = await emulator({ tls: 'both' });
    // Node's fetch cannot be told to trust one certificate, so use https.request with it.
    const { request: httpsRequest } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(emu.httpUrl, { method: 'POST', ca: emu.certificate, headers: { 'x-api-key': KEY } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ channel: '/default/x', events: ['1'] }));
    });
    expect(status).toBe(200);
  });
});

describe('static files', () => {
  function site(): string {
    const root = mkdtempSync(join(tmpdir(), 'emu-static-'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'index.html'), '<h1>demo</h1>');
    writeFileSync(join(root, 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'sub', 'data.json'), '{}');
    writeFileSync(join(root, 'sub', 'style.css'), 'body{}');
    return root;
  }

  it('serves files with their content types, index.html for directories', async () => {
    const emu = await emulator({ staticDir: site() });
    expect(await rawGet(emu, '/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<h1>demo</h1>' });
    expect(await rawGet(emu, '/app.js?v=1')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await rawGet(emu, '/sub/data.json')).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(await rawGet(emu, '/sub/style.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect((await rawGet(emu, '/nope.html')).status).toBe(404);
  });

  it('never serves files outside the folder', async () => {
    const root = site();
    writeFileSync(join(root, '..', 'emu-secret.txt'), 'secret');
    const emu = await emulator({ staticDir: root });
    for (const path of ['/../emu-secret.txt', '/%2e%2e/emu-secret.txt', '/sub/..%2f..%2femu-secret.txt', '/..%5cemu-secret.txt', '/%00']) {
      const r = await rawGet(emu, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('secret');
    }
    expect(resolveStaticPath('/srv/site', '/../etc/passwd')).toBeUndefined();
    expect(resolveStaticPath('/srv/site', '/a/../b.html')).toBe('/srv/site/b.html');
  });

  it('answers 404 for other paths without a static folder', async () => {
    const emu = await emulator();
    expect((await rawGet(emu, '/index.html')).status).toBe(404);
  });
});
