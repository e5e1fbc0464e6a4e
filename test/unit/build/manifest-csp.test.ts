// The Firefox build's extension-page policy must not upgrade the console's plain-text
// connections to a local emulator (ws://127.0.0.1 → wss://), which Firefox's default MV3
// policy does; Chrome keeps its default policy.
import { describe, expect, test } from 'vitest';
import { manifestFor } from '../../../vite.config.ts';

type WithCsp = { content_security_policy?: { extension_pages?: string } };

describe('extension page policy', () => {
  test('Firefox: no upgrade-insecure-requests, scripts from the package only', () => {
    const csp = (manifestFor('firefox') as unknown as WithCsp).content_security_policy?.extension_pages ?? '';
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe|http:|\*/);
  });

  test('Chrome: the default policy (none declared)', () => {
    expect((manifestFor('chrome') as unknown as WithCsp).content_security_policy).toBeUndefined();
  });
});

describe('permissions', () => {
  type WithPermissions = { permissions: string[]; optional_permissions?: string[] };
  test("Chromium's debugger (worker sockets) is optional, asked for on use; Firefox has none to ask for", () => {
    const chrome = manifestFor('chrome') as unknown as WithPermissions;
    expect(chrome.optional_permissions).toEqual(['debugger']);
    expect(chrome.permissions).not.toContain('debugger');
    expect((manifestFor('firefox') as unknown as WithPermissions).optional_permissions).toBeUndefined();
  });
});

describe('message serialization', () => {
  type WithSerialization = { message_serialization?: string };
  test("Chromium's messaging is a structured clone (as Firefox's always is): batches cross without JSON", () => {
    expect((manifestFor('chrome') as unknown as WithSerialization).message_serialization).toBe('structured_clone');
    expect((manifestFor('firefox') as unknown as WithSerialization).message_serialization).toBeUndefined();
  });
});
