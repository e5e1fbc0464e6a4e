import { describe, expect, test } from 'vitest';
import { locationOf, recordsOwnStackText } from '../../../src/capture/stack-text.ts';

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
