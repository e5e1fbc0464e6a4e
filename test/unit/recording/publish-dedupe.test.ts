import { describe, expect, test } from 'vitest';
import { createPublishDeduper } from '../../../src/recording/publish-dedupe.ts';

describe('publish de-duplication', () => {
  const body = '{"channel":"/default/a","events":["1"]}';
  test('a network sighting of a request the page reported is dropped once', () => {
    const d = createPublishDeduper(() => 10_000);
    d.sawFromPage({ url: 'https://h/event', requestBody: body, startedAt: 1000 });
    expect(d.takeIfUnmatched({ url: 'https://h/event', requestBody: body, startedAt: 1200 })).toBe(false);
    // the same request again (a second identical publish) is new
    expect(d.takeIfUnmatched({ url: 'https://h/event', requestBody: body, startedAt: 1300 })).toBe(true);
  });
  test('different body, url or time means a different request', () => {
    const d = createPublishDeduper(() => 10_000);
    d.sawFromPage({ url: 'https://h/event', requestBody: { text: body }, startedAt: 1000 });
    expect(d.takeIfUnmatched({ url: 'https://h/event', requestBody: body + ' ', startedAt: 1000 })).toBe(true);
    expect(d.takeIfUnmatched({ url: 'https://x/event', requestBody: body, startedAt: 1000 })).toBe(true);
    expect(d.takeIfUnmatched({ url: 'https://h/event', requestBody: body, startedAt: 9000 })).toBe(true);
  });
  test('old page sightings are forgotten', () => {
    let now = 0;
    const d = createPublishDeduper(() => now);
    d.sawFromPage({ url: 'u', requestBody: 'b', startedAt: 0 });
    now = 120_000;
    d.sawFromNetwork({ url: 'u', requestBody: 'b', startedAt: 0 });
    expect(d.takeIfUnmatched({ url: 'u', requestBody: 'b', startedAt: 0 })).toBe(true);
  });
});
