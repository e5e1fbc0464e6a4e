import { expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import './helpers.ts';
import { runSessionsBench } from '../../bench/sessions-bench-core.ts';

it('the sessions benchmark runs end to end (small N under fake-indexeddb)', async () => {
  const r = await runSessionsBench(new IDBFactory(), { frames: 3000, chunkLimits: { maxFrames: 100, maxBytes: 1 << 20 } });
  expect(r.frames).toBe(3000);
  expect(r.fullTextMatches).toBe(2); // payloads 1007 and 2007 carry the needle
  for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
  expect(r.exportBytes).toBeGreaterThan(0);
});
