// One byte-size convention everywhere (IEC: KiB, MiB, GiB), from the one formatter.
import { describe, expect, test } from 'vitest';
import { formatBytes } from '../../../src/sessions/retention.ts';
import { describeRecord } from '../../../extension/panel/format.ts';
import type { SocketId } from '../../../src/capture/records.ts';

describe('formatBytes', () => {
  test('IEC units, one decimal when it says something', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(240 * 1024)).toBe('240 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MiB');
    expect(formatBytes(1024 ** 3)).toBe('1 GiB');
    expect(formatBytes(3.25 * 1024 ** 4)).toBe('3.3 TiB');
  });

  test('the live list shows sizes the same way', () => {
    const row = describeRecord({ kind: 'ws-receive', socketId: 'n:1' as SocketId, seq: 0, t: 0, data: { binary: true, size: 2048, preview: '' }, size: 2048 });
    expect(row.size).toBe('2 KiB');
    expect(row.preview).toBe('binary frame, 2 KiB');
  });
});
