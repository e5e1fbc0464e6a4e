// The import's Blob reader: byte-identical in slices, and reading only what is asked for,
// so that a file of any size has at most one slice in flight.
import { describe, expect, it } from 'vitest';
import { blobSlices } from '../../../src/sessions/byte-streams.ts';

class CountingBlob extends Blob {
  slices = 0;
  override slice(start?: number, end?: number, type?: string): Blob {
    this.slices++;
    return super.slice(start, end, type);
  }
}

describe('blobSlices', () => {
  it('yields the Blob byte for byte in slices of the given size', async () => {
    const bytes = Uint8Array.from({ length: 10_001 }, (_, i) => (i * 7) % 256);
    const seen: number[] = [];
    const out: number[] = [];
    for await (const chunk of blobSlices(new Blob([bytes]), 4096) as unknown as AsyncIterable<Uint8Array>) {
      seen.push(chunk.byteLength);
      out.push(...chunk);
    }
    expect(seen).toEqual([4096, 4096, 1809]);
    expect(Uint8Array.from(out)).toEqual(bytes);
  });

  it('reads a slice only when the reader asks for one', async () => {
    const blob = new CountingBlob([new Uint8Array(100_000)]);
    const reader = blobSlices(blob, 1000).getReader();
    await new Promise((r) => setTimeout(r, 20));
    expect(blob.slices).toBe(0);
    await reader.read();
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    expect(blob.slices).toBe(2);
    await reader.cancel();
  });

  it('ends at once for an empty Blob', async () => {
    const r = await blobSlices(new Blob([])).getReader().read();
    expect(r.done).toBe(true);
  });
});
