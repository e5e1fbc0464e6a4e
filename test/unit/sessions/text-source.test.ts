import { describe, expect, it } from 'vitest';
import { TextSource } from '../../../src/sessions/byte-streams.ts';

/** The bytes of `text` as a stream of pieces of `size` bytes (cutting UTF-8 sequences). */
function pieces(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) c.close();
      else c.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

async function allLines(src: TextSource, max = 1000): Promise<string[]> {
  const out: string[] = [];
  for (let line = await src.readLine(max); line !== undefined; line = src.readBufferedLine(max) ?? (await src.readLine(max))) out.push(line);
  return out;
}

describe('TextSource', () => {
  const text = 'first\r\nsecond ✓ ünï\n\nfourth 😀\r\nlast without newline\r';
  for (const size of [1, 2, 3, 5, 64, 1 << 16]) {
    it(`reads the same lines whatever the chunk size (${size} bytes)`, async () => {
      const src = new TextSource(pieces(text, size));
      expect(await allLines(src)).toEqual(['first', 'second ✓ ünï', '', 'fourth 😀', 'last without newline\r']);
      expect(src.lineNo).toBe(5);
    });
  }

  it('reads the rest after a line, and refuses lines and documents over the limits', async () => {
    const src = new TextSource(pieces('head\nbody 1\nbody 2\n', 3));
    expect(await src.readLine(10)).toBe('head');
    expect(await src.readRest(100)).toBe('body 1\nbody 2\n');
    await expect(new TextSource(pieces('12345\n', 2)).readLine(4)).rejects.toThrow(/longer than the limit of 4/);
    await expect(new TextSource(pieces('123456', 2)).readLine(4)).rejects.toThrow(/longer than the limit of 4/);
    const rest = new TextSource(pieces('a\n0123456789', 3));
    await rest.readLine(5);
    await expect(rest.readRest(5)).rejects.toThrow(/larger than the limit of 5/);
  });
});

describe('TextSource.readChunk and unread (format detection, streamed HAR)', () => {
  for (const size of [1, 3, 1 << 16]) {
    it(`gives back every character once, and lines after a peeked head (${size} bytes)`, async () => {
      const text = 'head ✓ line\nsecond 😀\nthird';
      const src = new TextSource(pieces(text, size));
      let head = '';
      while (head.length < 8) head += (await src.readChunk()) ?? '';
      src.unread(head);
      // A peeked head spanning the first line end is read by line as if never taken.
      expect(await allLines(src)).toEqual(['head ✓ line', 'second 😀', 'third']);
      const whole = new TextSource(pieces(text, size));
      let all = '';
      for (let c = await whole.readChunk(); c !== undefined; c = await whole.readChunk()) all += c;
      expect(all).toBe(text);
    });
  }
});

describe('streamToBlob', () => {
  it('assembles a stream of any length into one Blob of the given type, byte for byte', async () => {
    const { streamToBlob } = await import('../../../src/sessions/byte-streams.ts');
    // 9 MB in pieces of 64 KB: more than two 4 MB parts.
    const piece = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    let left = 144;
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => (left-- > 0 ? c.enqueue(piece) : c.close()) });
    const blob = await streamToBlob(stream, 'application/gzip');
    expect(blob.type).toBe('application/gzip');
    expect(blob.size).toBe(144 * piece.byteLength);
    const tail = new Uint8Array(await blob.slice(blob.size - 10).arrayBuffer());
    expect([...tail]).toEqual([...piece.slice(piece.length - 10)]);
    expect((await streamToBlob(new ReadableStream({ start: (c) => c.close() }), 'x/y')).size).toBe(0);
  });
});
