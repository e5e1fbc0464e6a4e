// What the detail pane shows for one capture record: the decoded message, the JSON inside
// `event`/`events` decoded a second time, and lint findings. Pure: plain strings out, which
// the view renders as text.
import { payloadText, type CaptureRecord } from '../../src/capture/records.ts';
import { decodeFrame } from '../../src/protocol/decode.ts';
import { decodeHttpPublish } from '../../src/protocol/decode-http.ts';
import { createLintContext, lintFrame, lintHttpPublish, type LintFinding } from '../../src/protocol/lint.ts';
import type { DecodedEvent } from '../../src/protocol/decode-parts.ts';

export interface DetailSection {
  readonly title: string;
  readonly body: string;
}

export interface FrameDetail {
  readonly summary: ReadonlyArray<readonly [string, string]>;
  readonly findings: readonly LintFinding[];
  readonly sections: readonly DetailSection[];
}

// Findings that depend on the connection's earlier frames. The detail pane judges one frame
// on its own (the live list may not hold the whole connection), so these would be guesses.
const NEEDS_HISTORY = new Set([
  'ack-missing-timeout',
  'data-unknown-subscription',
  'duplicate-connection-init',
  'duplicate-subscription-id',
  'missing-authorization',
  'no-operation-authorization',
  'too-many-subscriptions',
  'unsubscribe-before-ack',
  'unsubscribe-unknown-id',
]);

function pretty(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function prettyText(text: string): string {
  try {
    return pretty(JSON.parse(text));
  } catch {
    return text;
  }
}

function eventSections(label: string, events: readonly DecodedEvent[] | undefined): DetailSection[] {
  return (events ?? []).map((e, i) => ({
    title: events!.length > 1 ? `${label} ${i + 1}` : label,
    body: e.ok ? pretty(e.value) : `${e.raw}\n\n(${e.error ?? 'not valid JSON'})`,
  }));
}

/** `channelOf(socketId, id)`: the channel a subscription id was subscribed to, if known. */
export function frameDetail(r: CaptureRecord, channelOf: (socketId: string, id: string) => string | undefined = () => undefined): FrameDetail {
  const summary: Array<[string, string]> = [
    ['Time', new Date(r.t).toISOString()],
    ['Socket', `${r.socketId} #${r.seq}`],
  ];
  switch (r.kind) {
    case 'ws-send':
    case 'ws-receive': {
      const text = payloadText(r.data);
      const truncated = typeof r.data === 'object' && 'truncated' in r.data;
      summary.push(['Direction', r.kind === 'ws-send' ? 'sent' : r.injected ? 'received (injected from DevTools)' : 'received'], ['Size', `${r.size} B`]);
      if (text === undefined) {
        const bin = r.data as { size: number; preview: string };
        return { summary: [...summary, ['Binary', `${bin.size} B`]], findings: [], sections: [{ title: 'First bytes (base64)', body: bin.preview || '(not available)' }] };
      }
      const decoded = decodeFrame(text, { direction: r.kind === 'ws-send' ? 'send' : 'receive' });
      summary.push(['Type', decoded.type]);
      if (decoded.id) summary.push(['Id', decoded.id]);
      const subscribed = decoded.channel ? undefined : decoded.id ? channelOf(r.socketId, decoded.id) : undefined;
      if (decoded.channel) summary.push(['Channel', decoded.channel]);
      else if (subscribed) summary.push(['Subscription channel', subscribed]);
      if (truncated) summary.push(['Truncated', `kept ${text.length} of ${(r.data as { length: number }).length} characters`]);
      const findings = [
        ...(decoded.problem ? [{ code: decoded.problem.code, severity: 'warning' as const, message: decoded.problem.message }] : []),
        ...lintFrame(decoded, createLintContext()).filter((f) => !NEEDS_HISTORY.has(f.code)),
      ];
      const sections: DetailSection[] = [{ title: 'Message', body: prettyText(text) }];
      if (decoded.event) sections.push(...eventSections('Event', [decoded.event]));
      sections.push(...eventSections('Event', decoded.events));
      if (decoded.errors?.length) sections.push({ title: 'Errors', body: pretty(decoded.errors) });
      return { summary, findings, sections };
    }
    case 'http-request': {
      const body = payloadText(r.requestBody) ?? '';
      const request = decodeHttpPublish(body);
      summary.push(['Request', `${r.method} ${r.url}`], ['Seen by', r.via]);
      if (request.channel) summary.push(['Channel', request.channel]);
      return {
        summary,
        findings: lintHttpPublish(request, r.requestHeaders),
        sections: [{ title: 'Request headers', body: pretty(r.requestHeaders) }, { title: 'Request body', body: prettyText(body) }, ...eventSections('Event', request.events)],
      };
    }
    case 'http-response': {
      summary.push(['Status', r.status ? String(r.status) : `failed${r.error ? `: ${r.error}` : ''}`], ['Duration', `${Math.round(r.duration)} ms`], ['Request', `#${r.request}`]);
      return {
        summary,
        findings: [],
        sections: [
          ...(Object.keys(r.responseHeaders).length > 0 ? [{ title: 'Response headers', body: pretty(r.responseHeaders) }] : []),
          { title: 'Response', body: prettyText(payloadText(r.responseBody) ?? '') },
        ],
      };
    }
    case 'http': {
      const body = payloadText(r.requestBody) ?? '';
      const response = payloadText(r.responseBody) ?? '';
      const request = decodeHttpPublish(body);
      summary.push(['Request', `${r.method} ${r.url}`], ['Status', r.status ? String(r.status) : `failed${r.error ? `: ${r.error}` : ''}`], ['Duration', `${Math.round(r.duration)} ms`], ['Seen by', r.via]);
      if (request.channel) summary.push(['Channel', request.channel]);
      return {
        summary,
        findings: lintHttpPublish(request, r.requestHeaders),
        sections: [
          { title: 'Request headers', body: pretty(r.requestHeaders) },
          { title: 'Request body', body: prettyText(body) },
          ...eventSections('Event', request.events),
          { title: 'Response', body: prettyText(response) },
        ],
      };
    }
    case 'ws-create':
      return { summary: [...summary, ['URL', r.url], ['Page', r.frameUrl], ['AppSync Events', r.appsync ? 'yes' : 'no (captured because every WebSocket is)']], findings: [], sections: [{ title: 'Offered subprotocols', body: r.protocols.join('\n') || '(none)' }] };
    case 'ws-open':
      return { summary: [...summary, ['Selected subprotocol', r.protocol || '(none)'], ['Extensions', r.extensions || '(none)']], findings: [], sections: [] };
    case 'ws-close':
      return { summary: [...summary, ['Code', String(r.code)], ['Reason', r.reason || '(none)'], ['Clean', r.wasClean ? 'yes' : 'no']], findings: [], sections: [] };
    case 'ws-error':
      return { summary, findings: [], sections: [{ title: 'Error', body: 'The browser reported a WebSocket error (it gives pages no details; the close that follows has the code).' }] };
  }
}
