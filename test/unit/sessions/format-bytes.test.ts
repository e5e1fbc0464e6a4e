// One byte-size convention everywhere (IEC: KiB, MiB, GiB), from the one formatter.
import { describe, expect, test } from 'vitest';
import { formatBytes } from '../../../src/sessions/retention.ts';
import { summarize } from '../../../extension/panel/views/inspector/row-format.ts';

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

  test('the inspector shows sizes the same way', () => {
    expect(summarize({ pos: 0, sock: 'n:1', seq: 0, t: 0, conn: 'n:1', dir: 'receive', size: 2048, binary: { size: 2048, preview: '' }, flags: 2 })).toBe('binary frame, 2 KiB');
  });
});
