// Text shown for a capture record in the live list. Pure; everything returned is plain text
// that the view renders as text nodes, never as HTML.
import { payloadText, type CaptureRecord } from '../../src/capture/records.ts';
import { classifyFrame } from '../../src/protocol/decode.ts';

export interface RowText {
  readonly time: string;
  readonly dir: '↑' | '↓' | '•' | '⇅';
  readonly socket: string;
  readonly type: string;
  readonly channel: string;
  readonly size: string;
  readonly preview: string;
}

const PREVIEW = 240;

export function formatTime(t: number): string {
  const d = new Date(t);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `channelOf(socketId, id)`: the channel a subscription id was subscribed to, if known. */
export type ChannelLookup = (socketId: string, id: string) => string | undefined;

export function describeRecord(r: CaptureRecord, channelOf: ChannelLookup = () => undefined): RowText {
  const base = { time: formatTime(r.t), socket: r.socketId.split(':')[1] ?? r.socketId, channel: '' };
  switch (r.kind) {
    case 'ws-create':
      return { ...base, dir: '•', type: 'connecting', size: '', preview: r.url };
    case 'ws-open':
      return { ...base, dir: '•', type: 'open', size: '', preview: r.protocol ? `protocol ${r.protocol}` : '' };
    case 'ws-send':
    case 'ws-receive': {
      const text = payloadText(r.data);
      const c = text === undefined ? undefined : classifyFrame(text);
      return {
        ...base,
        dir: r.kind === 'ws-send' ? '↑' : '↓',
        type: text === undefined ? '(binary)' : (c?.type ?? '(text)'),
        channel: c?.channel ?? (c?.id ? (channelOf(r.socketId, c.id) ?? '') : ''),
        size: formatBytes(r.size),
        preview: text === undefined ? `binary frame, ${formatBytes(r.size)}` : text.slice(0, PREVIEW),
      };
    }
    case 'ws-error':
      return { ...base, dir: '•', type: 'error', size: '', preview: 'WebSocket error' };
    case 'ws-close':
      return { ...base, dir: '•', type: 'close', size: '', preview: `${r.code}${r.reason ? ' ' + r.reason : ''}${r.wasClean ? '' : ' (not clean)'}` };
    case 'http-request': {
      const body = payloadText(r.requestBody) ?? '';
      return { ...base, dir: '↑', type: r.method, channel: classifyFrame(body).channel ?? '', size: formatBytes(body.length), preview: body.slice(0, PREVIEW) };
    }
    case 'http-response': {
      const body = payloadText(r.responseBody) ?? '';
      return { ...base, dir: '↓', type: `HTTP ${r.status || 'failed'}`, size: formatBytes(body.length), preview: (r.error ?? body).slice(0, PREVIEW) };
    }
    case 'http': {
      const body = payloadText(r.requestBody) ?? '';
      return { ...base, dir: '⇅', type: `POST ${r.status || 'failed'}`, channel: classifyFrame(body).channel ?? '', size: formatBytes(body.length), preview: body.slice(0, PREVIEW) };
    }
  }
}
