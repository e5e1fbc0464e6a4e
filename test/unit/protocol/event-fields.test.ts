import { describe, expect, it } from 'vitest';
import { compileFields, framePayloads, parseFieldPath } from '../../../src/protocol/event-fields.ts';

const data = (event: unknown) => JSON.stringify({ type: 'data', id: 's1', event: JSON.stringify(event) });
const publish = (...events: unknown[]) => JSON.stringify({ type: 'publish', id: 'p1', channel: '/a/b', events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': 'k' } });
const matches = (path: string, values: string[], text: string, caseSensitive = false) => compileFields([{ path: parseFieldPath(path)!, values }], caseSensitive).matchesText(text);

describe('event fields', () => {
  it('decodes the events of data frames, WebSocket publishes and HTTP publish bodies', () => {
    expect(framePayloads(data({ a: 1 }))).toEqual([{ a: 1 }]);
    expect(framePayloads(publish({ a: 1 }, 'plain'))).toEqual([{ a: 1 }, 'plain']);
    expect(framePayloads(JSON.stringify({ channel: '/a', events: ['{"room":7}'] }))).toEqual([{ room: 7 }]);
    // An event a client put in unencoded, or one that is not JSON, is taken as it is.
    expect(framePayloads(JSON.stringify({ type: 'data', event: { room: 7 } }))).toEqual([{ room: 7 }]);
    expect(framePayloads(JSON.stringify({ type: 'data', event: 'not json' }))).toEqual(['not json']);
    for (const text of ['', '{', '[1]', '"x"', '{"type":"ka"}']) expect(framePayloads(text)).toEqual([]);
  });

  it('matches nested paths, any event of a publish, and arrays by element or index', () => {
    const text = publish({ room: { id: 7 }, items: [{ sku: 'A1' }, { sku: 'B2' }] }, { room: { id: 8 } });
    expect(matches('room.id', ['7'], text)).toBe(true);
    expect(matches('room.id', ['8'], text)).toBe(true);
    expect(matches('room.id', ['9'], text)).toBe(false);
    expect(matches('room.id', ['9', '8'], text)).toBe(true);
    expect(matches('items.sku', ['B2'], text)).toBe(true);
    expect(matches('items.1.sku', ['B2'], text)).toBe(true);
    expect(matches('items.0.sku', ['B2'], text)).toBe(false);
    expect(matches('items.5.sku', ['*'], text)).toBe(false);
    const tagged = data({ tags: ['urgent', 3], empty: [] });
    expect(matches('tags', ['urgent'], tagged)).toBe(true);
    expect(matches('tags', ['3'], tagged)).toBe(true);
    expect(matches('tags', ['later'], tagged)).toBe(false);
    expect(matches('empty', ['*'], tagged)).toBe(true);
  });

  it('compares strings as themselves and other leaves as JSON; * is any run, alone any value', () => {
    const text = data({ user: 'Alice Smith', n: 0, ok: false, none: null, obj: { x: 1 } });
    expect(matches('user', ['alice smith'], text)).toBe(true);
    expect(matches('user', ['alice smith'], text, true)).toBe(false);
    expect(matches('user', ['Ali*'], text, true)).toBe(true);
    expect(matches('user', ['*Smith'], text)).toBe(true);
    expect(matches('user', ['Ali'], text)).toBe(false);
    expect(matches('user', ['A.ice*'], text)).toBe(false); // the dot is literal
    expect(matches('n', ['0'], text)).toBe(true);
    expect(matches('ok', ['false'], text)).toBe(true);
    expect(matches('none', ['null'], text)).toBe(true);
    expect(matches('obj', ['*'], text)).toBe(true);
    expect(matches('obj', ['{"x":1}'], text)).toBe(false); // objects only exist or not
    expect(matches('missing', ['*'], text)).toBe(false);
  });

  it('walks own keys only, whatever the page names its fields', () => {
    const text = data({ a: 1 });
    for (const path of ['constructor', '__proto__', 'toString', 'a.constructor', 'hasOwnProperty']) expect(matches(path, ['*'], text)).toBe(false);
    expect(matches('__proto__.x', ['1'], data(JSON.parse('{"__proto__":{"x":1}}')))).toBe(true);
  });

  it('finds the field also in an event a client put in unencoded (the quick test does not rule it out)', () => {
    expect(matches('room', ['7'], JSON.stringify({ type: 'data', event: { room: 7 } }))).toBe(true);
  });

  it('several fields must all hold, each in any of the events', () => {
    const both = compileFields([{ path: ['room'], values: ['7'] }, { path: ['user'], values: ['ann'] }], false);
    expect(both.matchesText(data({ room: 7, user: 'Ann' }))).toBe(true);
    expect(both.matchesText(data({ room: 7, user: 'Bo' }))).toBe(false);
    expect(both.matchesText(data({ room: 7 }))).toBe(false);
    expect(both.matchesText(publish({ room: 7 }, { user: 'ann' }))).toBe(true);
  });

  it('parses paths and refuses empty segments', () => {
    expect(parseFieldPath('room.id')).toEqual(['room', 'id']);
    expect(parseFieldPath('')).toBeNull();
    expect(parseFieldPath('a..b')).toBeNull();
    expect(parseFieldPath('a.')).toBeNull();
  });
});
