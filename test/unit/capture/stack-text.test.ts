import { describe, expect, test } from 'vitest';
import { locationOf, recordsOwnStackText, withoutLeadingFramesIn } from '../../../src/capture/stack-text.ts';

describe('locationOf: the location SpiderMonkey gives an error, from its stack text', () => {
  test('the first frame names file, line and column', () => {
    const m = locationOf('probe@http://127.0.0.1:8080/probe-realms.js?run=1:12:34\n@http://127.0.0.1:8080/page.html:3:1\n');
    expect(m).toEqual({ stack: 'probe@http://127.0.0.1:8080/probe-realms.js?run=1:12:34\n@http://127.0.0.1:8080/page.html:3:1\n', fileName: 'http://127.0.0.1:8080/probe-realms.js?run=1', lineNumber: 12, columnNumber: 34 });
  });

  test('an anonymous frame and a URL with a port and colons still split at the last two colons', () => {
    expect(locationOf('@http://[::1]:9/a.js:7:1\n')).toMatchObject({ fileName: 'http://[::1]:9/a.js', lineNumber: 7, columnNumber: 1 });
  });

  test('no frame left gives an empty location rather than a wrong one', () => {
    expect(locationOf('')).toMatchObject({ stack: '', fileName: '', lineNumber: 0, columnNumber: 0 });
    expect(locationOf('garbage')).toMatchObject({ fileName: '', lineNumber: 0 });
  });
});

describe('recordsOwnStackText', () => {
  test('V8 (node) keeps stacks on the errors, so nothing is masked there', () => {
    expect(recordsOwnStackText()).toBe(false);
  });
});

describe('withoutLeadingFramesIn: a stack text without the frames a file put on top', () => {
  const page = 'probe@http://127.0.0.1:8080/probe-realms.js:12:34\n@http://127.0.0.1:8080/page.html:3:1\n';
  test('the leading frames of that file go, the page frames stay', () => {
    expect(withoutLeadingFramesIn('construct@<anonymous code>:2:5514\napply@<anonymous code>:2:2556\n' + page, '<anonymous code>')).toBe(page);
  });
  test('frames of that file below a page frame stay, and a stack without them is returned as is', () => {
    const mixed = 'probe@http://127.0.0.1:8080/probe-realms.js:12:34\napply@<anonymous code>:2:2556\n@http://127.0.0.1:8080/page.html:3:1\n';
    expect(withoutLeadingFramesIn(mixed, '<anonymous code>')).toBe(mixed);
    expect(withoutLeadingFramesIn(page, '<anonymous code>')).toBe(page);
  });
  test('only frames of that file leave an empty text; an unknown file name removes nothing', () => {
    expect(withoutLeadingFramesIn('apply@<anonymous code>:2:2556\n', '<anonymous code>')).toBe('');
    expect(withoutLeadingFramesIn(page, '')).toBe(page);
  });
});
