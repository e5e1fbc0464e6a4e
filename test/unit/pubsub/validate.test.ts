import { describe, expect, it } from 'vitest';
import { parseEventsText, validateChannel, validatePublish } from '../../../src/pubsub/index.ts';

describe('parseEventsText', () => {
  it('reads one value as one event and an array as a batch', () => {
    expect(parseEventsText('{ "a": 1 }')).toEqual({ ok: true, events: ['{"a":1}'] });
    expect(parseEventsText('[1, "two", {"b": [3]}]')).toEqual({ ok: true, events: ['1', '"two"', '{"b":[3]}'] });
  });
  it('reports JSON errors and empty text', () => {
    expect(parseEventsText('{"a":')).toMatchObject({ ok: false, problem: { field: 'events' } });
    expect(parseEventsText('  ')).toMatchObject({ ok: false });
  });
});

describe('validatePublish', () => {
  it('accepts up to five events on a concrete channel', () => {
    expect(validatePublish('/default/a', ['1', '2', '3', '4', '5'])).toEqual([]);
  });
  it('refuses six events, a big event, a wildcard and a bad channel, each with a sentence', () => {
    expect(validatePublish('/default/a', ['1', '2', '3', '4', '5', '6'])[0]?.message).toMatch(/at most 5/);
    const big = `"${'x'.repeat(240 * 1024)}"`;
    expect(validatePublish('/default/a', ['1', big])).toEqual([expect.objectContaining({ index: 1, message: expect.stringMatching(/240 KB/) })]);
    expect(validatePublish('/default/*', ['1'])[0]?.message).toMatch(/concrete channel/);
    expect(validatePublish('/default/a b', ['1'])[0]?.field).toBe('channel');
    expect(validatePublish('/default/a', [])).toHaveLength(1);
  });
  it('lets subscriptions use a trailing wildcard only', () => {
    expect(validateChannel('/default/*', 'subscribe')).toEqual([]);
    expect(validateChannel('/default/a/*', 'subscribe')).toEqual([]);
    expect(validateChannel('/default/*/a', 'subscribe')).toHaveLength(1);
  });
});
