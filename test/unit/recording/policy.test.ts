import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, normalizeOriginPattern, originMatches, parseSettings, shouldRecord } from '../../../src/recording/policy.ts';

describe('recording policy', () => {
  test('origin patterns are normalised or refused', () => {
    expect(normalizeOriginPattern('https://App.Example.com/')).toBe('https://app.example.com');
    expect(normalizeOriginPattern('http://localhost:3000')).toBe('http://localhost:3000');
    expect(normalizeOriginPattern('https://*.example.com')).toBe('https://*.example.com');
    expect(normalizeOriginPattern('ftp://x')).toBeNull();
    expect(normalizeOriginPattern('https://a.com/path')).toBeNull();
    expect(normalizeOriginPattern('javascript:alert(1)')).toBeNull();
  });

  test('matching is by scheme, host and port; * covers subdomains', () => {
    expect(originMatches('https://app.example.com', 'https://app.example.com/x?y')).toBe(true);
    expect(originMatches('https://app.example.com', 'http://app.example.com/')).toBe(false);
    expect(originMatches('https://app.example.com', 'https://app.example.com:8443/')).toBe(false);
    expect(originMatches('http://localhost:3000', 'http://localhost:3000/')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://a.b.example.com/')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://example.com/')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://badexample.com/')).toBe(false);
    expect(originMatches('https://x.com', 'not a url')).toBe(false);
  });

  test('a tab records with a panel open, or when its origin is always recorded', () => {
    const settings = parseSettings({ alwaysRecordOrigins: ['http://localhost:3000', 42, 'bogus'], captureAll: 'yes' });
    expect(settings).toEqual({ captureAll: false, alwaysRecordOrigins: ['http://localhost:3000'] });
    expect(shouldRecord(true, null, DEFAULT_SETTINGS)).toBe(true);
    expect(shouldRecord(false, 'http://localhost:3000/app', settings)).toBe(true);
    expect(shouldRecord(false, 'http://localhost:4000/app', settings)).toBe(false);
    expect(shouldRecord(false, null, settings)).toBe(false);
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
  });
});
