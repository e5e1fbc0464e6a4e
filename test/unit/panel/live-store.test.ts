import { describe, expect, test } from 'vitest';
import { applyMessage, channelKey, EMPTY_LIVE, LIVE_ROW_LIMIT } from '../../../extension/panel/store/live-store.ts';
import { describeRecord } from '../../../extension/panel/format.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const sock = 'n:1' as SocketId;
const sent = (seq: number, msg: object): CaptureRecord => ({ kind: 'ws-send', socketId: sock, seq, t: seq, data: JSON.stringify(msg), size: 10 });
const recv = (seq: number, msg: object): CaptureRecord => ({ kind: 'ws-receive', socketId: sock, seq, t: seq, data: JSON.stringify(msg), size: 10 });
const batch = (records: CaptureRecord[], skipped = 0, sessionId = 's1') => ({ type: 'recordsCaptured' as const, sessionId, records, skipped });

describe('live store', () => {
  test('data frames show the channel their subscription id was subscribed to', () => {
    const state = applyMessage(EMPTY_LIVE, batch([sent(0, { type: 'subscribe', id: 'a', channel: 'default/orders/*' }), recv(1, { type: 'data', id: 'a', event: '{}' })]));
    expect(state.channels.get(channelKey(sock, 'a'))).toBe('/default/orders/*');
    const row = describeRecord(state.rows[1]!, (s, id) => state.channels.get(channelKey(s, id)));
    expect(row.type).toBe('data');
    expect(row.channel).toBe('/default/orders/*');
    expect(describeRecord(recv(2, { type: 'data', id: 'unknown', event: '{}' }), (s, id) => state.channels.get(channelKey(s, id))).channel).toBe('');
  });

  test('counts skipped records, bounds the rows, and starts over on a new session', () => {
    let state = applyMessage(EMPTY_LIVE, batch([recv(0, { type: 'ka' })], 10));
    expect(state.total).toBe(11);
    const many = Array.from({ length: LIVE_ROW_LIMIT + 5 }, (_, i) => recv(i + 1, { type: 'ka' }));
    state = applyMessage(state, batch(many));
    expect(state.rows).toHaveLength(LIVE_ROW_LIMIT);
    expect(state.total).toBe(11 + LIVE_ROW_LIMIT + 5);
    state = applyMessage(state, { type: 'captureStatus', tabId: 1, recording: true, preserveLog: false, sessionId: 's1', stored: 0, dropped: 0, rejected: 0, problem: null, notice: null });
    state = applyMessage(state, batch([recv(0, { type: 'ka' })], 0, 's2'));
    expect(state.total).toBe(1);
    expect(state.rows).toHaveLength(1);
  });
});
