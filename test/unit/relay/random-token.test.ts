import { describe, expect, test } from 'vitest';
import { randomToken } from '../../../src/relay/random-token.ts';

describe('randomToken', () => {
  test('32 hex digits from getRandomValues alone (no randomUUID needed)', () => {
    const source = { getRandomValues: <T extends Uint8Array>(a: T): T => (a.fill(0x0a), a) };
    expect(randomToken(source)).toBe('0a'.repeat(16));
  });

  test('distinct tokens from the platform source', () => {
    const a = randomToken(globalThis.crypto);
    const b = randomToken(globalThis.crypto);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
