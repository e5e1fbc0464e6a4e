import { describe, expect, it } from 'vitest';
import { channelMatches, normalizeChannel, parseChannel } from '../../../src/protocol/channel.ts';

describe('normalizeChannel', () => {
  it.each([
    ['default/a/', '/default/a'],
    ['/default/a', '/default/a'],
    ['default/channel', '/default/channel'],
    ['//default//', '/default'],
    ['/namespaceA/subB/subC', '/namespaceA/subB/subC'],
    ['', '/'],
    ['/', '/'],
    ['/default/*', '/default/*'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeChannel(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const s of ['a', '/a/', '///x//y///', '', 'a/b/c/']) {
      expect(normalizeChannel(normalizeChannel(s))).toBe(normalizeChannel(s));
    }
  });
});

describe('parseChannel', () => {
  it('accepts the reference examples with and without slashes', () => {
    for (const c of ['/namespaceA/subB/subC', 'default/channel', '/default/test', 'default/foo/', '/default/greetings/tutorial']) {
      const r = parseChannel(c);
      expect(r.ok, c).toBe(true);
    }
    expect(parseChannel('default/channel')).toEqual({
      ok: true,
      channel: '/default/channel',
      namespace: 'default',
      segments: ['default', 'channel'],
      wildcard: false,
    });
  });

  it('accepts 1 to 5 segments and rejects 6', () => {
    expect(parseChannel('/a').ok).toBe(true);
    expect(parseChannel('/a/b/c/d/e').ok).toBe(true);
    const r = parseChannel('/a/b/c/d/e/f');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/6 segments/);
  });

  it('enforces segment length 1..50', () => {
    expect(parseChannel('/' + 'a'.repeat(50)).ok).toBe(true);
    const r = parseChannel('/ns/' + 'b'.repeat(51));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/segment 2 .*51 characters/);
  });

  it('names the bad segment', () => {
    const r = parseChannel('/default/bad_seg/x');
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('segment 2 "bad_seg"') });
    const ns = parseChannel('-ns/a');
    expect(ns.ok).toBe(false);
    if (!ns.ok) expect(ns.reason).toMatch(/namespace "-ns" must start and end/);
    const trail = parseChannel('/ns/a-');
    if (!trail.ok) expect(trail.reason).toMatch(/segment 2 "a-"/);
    else throw new Error('should fail');
  });

  it('rejects empty input, empty segments and doubled slashes', () => {
    expect(parseChannel('').ok).toBe(false);
    expect(parseChannel('/').ok).toBe(false);
    expect(parseChannel('//a').ok).toBe(false);
    expect(parseChannel('/a//b').ok).toBe(false);
    expect(parseChannel('/a/b//').ok).toBe(false);
  });

  it('rejects non-ASCII letters, spaces and dots', () => {
    for (const c of ['/défault', '/a b', '/a.b', '/a/ü', '/a\n']) expect(parseChannel(c).ok, c).toBe(false);
  });

  it('handles wildcards only at the end and only when allowed', () => {
    expect(parseChannel('/default/*').ok).toBe(false);
    const r = parseChannel('/default/*', { allowWildcard: true });
    expect(r).toEqual({ ok: true, channel: '/default/*', namespace: 'default', segments: ['default'], wildcard: true });
    expect(parseChannel('/your/channel/*', { allowWildcard: true }).ok).toBe(true);
    expect(parseChannel('/a/*/b', { allowWildcard: true }).ok).toBe(false);
    expect(parseChannel('/a/b*', { allowWildcard: true }).ok).toBe(false);
    expect(parseChannel('/*', { allowWildcard: true }).ok).toBe(false);
    expect(parseChannel('*', { allowWildcard: true }).ok).toBe(false);
    // '*' counts towards the five segments.
    expect(parseChannel('/a/b/c/d/*', { allowWildcard: true }).ok).toBe(true);
    expect(parseChannel('/a/b/c/d/e/*', { allowWildcard: true }).ok).toBe(false);
  });

  it('never throws on odd input', () => {
    expect(parseChannel(undefined as unknown as string).ok).toBe(false);
    expect(parseChannel('/'.repeat(100000)).ok).toBe(false);
    expect(parseChannel('a/'.repeat(100000)).ok).toBe(false);
  });
});

describe('channelMatches', () => {
  it('matches exactly after normalisation', () => {
    expect(channelMatches('default/foo', '/default/foo/')).toBe(true);
    expect(channelMatches('/default/foo', '/default/Foo')).toBe(false);
    expect(channelMatches('/default/foo', '/default/foo/bar')).toBe(false);
  });

  it('treats a trailing * as one-or-more further segments', () => {
    expect(channelMatches('/default/*', '/default/greetings/tutorial')).toBe(true);
    expect(channelMatches('default/*', 'default/x')).toBe(true);
    expect(channelMatches('/default/*', '/default')).toBe(false);
    expect(channelMatches('/default/*', '/defaultx/y')).toBe(false);
    expect(channelMatches('/a/b/*', '/a/b/c/d/e')).toBe(true);
    expect(channelMatches('/a/b/*', '/a/c/d')).toBe(false);
  });

  it('a bare /* matches nothing', () => {
    expect(channelMatches('/*', '/default/x')).toBe(false);
  });
});
