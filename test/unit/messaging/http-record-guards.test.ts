import { describe, expect, it } from 'vitest';
import { isCaptureRecord, isPanelToBackground } from '../../../src/messaging/guards.ts';

const base = { socketId: 'n:http', seq: 0, t: 1 };
const request = { ...base, kind: 'http-request', url: 'https://h/event', method: 'POST', frameUrl: '', requestHeaders: { 'x-amz-user-agent': 'a' }, requestBody: '{}', via: 'fetch' };
const response = { ...base, seq: 1, kind: 'http-response', request: 0, url: 'https://h/event', status: 401, responseHeaders: { 'x-amzn-errortype': 'UnauthorizedException' }, responseBody: '', duration: 3 };

describe('guards: HTTP request and response records', () => {
  it('accepts well-formed records', () => {
    expect(isCaptureRecord(request)).toBe(true);
    expect(isCaptureRecord(response)).toBe(true);
    expect(isCaptureRecord({ ...response, error: 'TypeError: Failed to fetch', status: 0 })).toBe(true);
  });

  it('refuses malformed ones', () => {
    expect(isCaptureRecord({ ...request, requestHeaders: { a: 1 } })).toBe(false);
    expect(isCaptureRecord({ ...request, via: 'carrier-pigeon' })).toBe(false);
    expect(isCaptureRecord({ ...response, request: -1 })).toBe(false);
    expect(isCaptureRecord({ ...response, responseHeaders: undefined })).toBe(false);
    expect(isCaptureRecord({ ...response, duration: 'soon' })).toBe(false);
  });

  it('network-log publishes may carry response headers, checked like request headers', () => {
    const publish = { url: 'https://h/event', method: 'POST', frameUrl: '', requestHeaders: {}, requestBody: '', status: 200, responseBody: '', startedAt: 1, duration: 1 };
    expect(isPanelToBackground({ type: 'httpPublishObserved', publish: { ...publish, responseHeaders: { 'x-amzn-requestid': 'r' } } })).toBe(true);
    expect(isPanelToBackground({ type: 'httpPublishObserved', publish: { ...publish, responseHeaders: 'x' } })).toBe(false);
  });
});
