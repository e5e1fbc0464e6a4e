// Secret redaction of capture records, applied by the background before a record is stored
// or shown (unless the session opted to keep secrets). Built on the protocol engine's
// fingerprints, so equal keys stay recognisable across frames and sessions, and idempotent:
// redacting a redacted record returns an equal record (exports re-redact what is stored).
import { redactAuthHeaders, redactFrameText, redactSubprotocol, redactUrl } from '../protocol/redact.ts';
import type { CaptureRecord, Payload, TruncatedText } from './records.ts';

function text(data: string): string;
function text(data: Payload | TruncatedText): Payload | TruncatedText;
function text(data: Payload | TruncatedText): Payload | TruncatedText {
  if (typeof data === 'string') return redactFrameText(data);
  if ('truncated' in data) return { ...data, text: redactFrameText(data.text) };
  return data;
}

export function redactRecord(record: CaptureRecord): CaptureRecord {
  switch (record.kind) {
    case 'ws-create':
      return { ...record, url: redactUrl(record.url), frameUrl: redactUrl(record.frameUrl), protocols: record.protocols.map(redactSubprotocol) };
    case 'ws-open':
      return record.protocol.startsWith('header-') ? { ...record, protocol: redactSubprotocol(record.protocol) } : record;
    case 'ws-send':
    case 'ws-receive':
      return { ...record, data: text(record.data) };
    case 'http-request':
      return { ...record, ...redactRequest(record) };
    case 'http-response':
      return {
        ...record,
        url: redactUrl(record.url),
        responseHeaders: redactAuthHeaders(record.responseHeaders) as Record<string, string>,
        responseBody: text(record.responseBody) as string | TruncatedText,
      };
    case 'http':
      return {
        ...record,
        ...redactRequest(record),
        responseBody: text(record.responseBody) as string | TruncatedText,
        ...(record.responseHeaders ? { responseHeaders: redactAuthHeaders(record.responseHeaders) as Record<string, string> } : {}),
      };
    case 'worker-start':
      return { ...record, url: redactUrl(record.url), frameUrl: redactUrl(record.frameUrl) };
    default:
      return record;
  }
}

/** The request half of an HTTP publish, as `http-request` and whole `http` records hold it. */
function redactRequest(r: { url: string; frameUrl: string; requestHeaders: Readonly<Record<string, string>>; requestBody: string | TruncatedText }) {
  return {
    url: redactUrl(r.url),
    frameUrl: redactUrl(r.frameUrl),
    requestHeaders: redactAuthHeaders(r.requestHeaders) as Record<string, string>,
    requestBody: text(r.requestBody) as string | TruncatedText,
  };
}
