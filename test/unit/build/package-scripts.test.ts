// Every file an npm script runs exists (test:e2e once pointed at a runner that did not).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('package.json scripts', () => {
  for (const [name, command] of Object.entries(scripts)) {
    const files = [...command.matchAll(/(?:^|\s)((?:scripts|test|src)\/\S+\.(?:mjs|ts))\b/g)].map((m) => m[1]!);
    if (files.length === 0) continue;
    test(`${name} runs files that exist`, () => {
      expect(files.filter((f) => !existsSync(f))).toEqual([]);
    });
  }

  test('test:e2e builds and runs the e2e step of the one test runner', () => {
    expect(scripts['test:e2e']).toBe('node scripts/test-all.mjs build e2e');
  });
});
