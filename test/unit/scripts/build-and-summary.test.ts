// Pure pieces of the build and of `npm start -- --headless`: the step that removes Preact's
// innerHTML assignment, and the summary's completeness check and wording.
import { describe, expect, it } from 'vitest';
import { stripPreactInnerHtml } from '../../../scripts/no-inner-html.ts';
import { formatSummary, summaryComplete, type CaptureSummary } from '../../../scripts/lib/headless-run.ts';

type Transform = (this: { error(m: string): never }, code: string, id: string) => { code: string } | null;
const transform = stripPreactInnerHtml().transform as unknown as Transform;
const ctx = {
  error(m: string): never {
    throw new Error(m);
  },
};
const PREACT = '/x/node_modules/preact/dist/preact.mjs';

describe('stripPreactInnerHtml', () => {
  it("replaces Preact's dangerouslySetInnerHTML assignment with a refusal", () => {
    const code = 'h?(l||y&&(h.__html==y.__html||h.__html==t.innerHTML)||(t.innerHTML=h.__html),r.__k=[]):0';
    const out = transform.call(ctx, code, PREACT)!.code;
    expect(out).not.toMatch(/\.innerHTML=(?!=)/);
    expect(out).toContain('h.__html==t.innerHTML'); // the comparison stays
    expect(out).toContain('dangerouslySetInnerHTML is not supported');
  });

  it('fails the build on an assignment it does not recognise, and leaves other modules alone', () => {
    expect(() => transform.call(ctx, 'e.innerHTML = html', PREACT)).toThrow(/does not know/);
    expect(transform.call(ctx, 'e.innerHTML=x.__html', '/x/src/app.ts')).toBeNull();
  });
});

const base: CaptureSummary = {
  sessionName: '127.0.0.1:4000 · Dec 3',
  sessionId: 's1',
  frames: 20,
  types: { data: 3, publish_error: 1, subscribe: 2 },
  directions: { send: 5, receive: 10, 'http-request': 1, 'http-response': 1 },
  connections: { websocket: 2, http: 1 },
  event: { channel: '/default/orders/*', value: { item: 'tea' } },
  errors: ['publish_error BadRequestException: Invalid Channel Format'],
};

describe('headless summary', () => {
  it('is complete only with the events, the HTTP request and response, and the error', () => {
    expect(summaryComplete(base)).toBe(true);
    expect(summaryComplete({ ...base, types: { ...base.types, data: 2 } })).toBe(false);
    expect(summaryComplete({ ...base, types: { data: 3 } })).toBe(false);
    expect(summaryComplete({ ...base, directions: { 'http-request': 1 } })).toBe(false);
  });

  it('prints the session name, counts by frequency, the event and the errors', () => {
    const text = formatSummary(base, { browser: 'Chromium', demoUrl: 'http://127.0.0.1:4000/index.html' });
    expect(text).toContain('Session          "127.0.0.1:4000 · Dec 3": 20 records, 2 WebSocket connection(s), 1 HTTP endpoint(s)');
    expect(text).toContain('Frames by type   data 3, subscribe 2, publish_error 1');
    expect(text).toContain('One event        /default/orders/* ← {"item":"tea"}');
    expect(text).toContain('Errors           publish_error BadRequestException: Invalid Channel Format');
    expect(formatSummary({ ...base, event: undefined, errors: [] }, { browser: 'Firefox', demoUrl: 'u' })).toMatch(/One event {8}none[\s\S]*Errors {11}none/);
  });
});
