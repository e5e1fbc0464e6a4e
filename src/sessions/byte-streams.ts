// Byte and text stream plumbing for export and import: gzip through the global
// CompressionStream (Node 20 and browsers), gzip detection by magic bytes, and a bounded
// text reader that yields lines or the whole rest.

import { ImportError } from './import-error.ts';

export type ImportInput = ReadableStream<Uint8Array> | Blob | Uint8Array | ArrayBuffer | string;

export function canGzip(): boolean {
  return typeof globalThis.CompressionStream === 'function';
}

export function gzip(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (!canGzip()) throw new Error('gzip is not available here (no CompressionStream).');
  return stream.pipeThrough(new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

export function toByteStream(input: ImportInput): { stream: ReadableStream<Uint8Array>; size?: number } {
  if (typeof input === 'string') input = new TextEncoder().encode(input);
  if (input instanceof ArrayBuffer) input = new Uint8Array(input);
  if (input instanceof Uint8Array) {
    const bytes = input;
    return {
      size: bytes.byteLength,
      stream: new ReadableStream<Uint8Array>({
        start(c) {
          if (bytes.byteLength > 0) c.enqueue(bytes);
          c.close();
        },
      }),
    };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) return { stream: blobSlices(input), size: input.size };
  return { stream: input as ReadableStream<Uint8Array> };
}

/** Bytes read from a Blob per step of an import. */
export const BLOB_SLICE_BYTES = 256 * 1024;

/**
 * A Blob read in slices of BLOB_SLICE_BYTES, each only when the reader asks for it
 * (highWaterMark 0). Blob.stream() reads ahead on its own: at 1M frames the worker's
 * ArrayBuffer memory rose to ~140 MB while reading a 24 MB gzip file; reading on demand
 * bounds the bytes in flight to one slice whatever the file's size.
 */
export function blobSlices(blob: Blob, sliceBytes: number = BLOB_SLICE_BYTES): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        if (at >= blob.size) return c.close();
        const end = Math.min(blob.size, at + sliceBytes);
        const bytes = new Uint8Array(await blob.slice(at, end).arrayBuffer());
        at = end;
        c.enqueue(bytes);
        if (at >= blob.size) c.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Counts bytes as they pass (progress for imports of known size). */
export function countBytes(stream: ReadableStream<Uint8Array>, onBytes: (total: number) => void): ReadableStream<Uint8Array> {
  let total = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        total += chunk.byteLength;
        onBytes(total);
        c.enqueue(chunk);
      },
    }),
  );
}

/** Un-gzips when the stream starts with the gzip magic bytes (1f 8b); passes it on otherwise. */
export async function maybeGunzip(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    have += value.byteLength;
  }
  const first = head[0];
  const second = first && first.byteLength > 1 ? first[1] : head[1]?.[0];
  const isGzip = first?.[0] === 0x1f && second === 0x8b;
  const replay = new ReadableStream<Uint8Array>({
    start(c) {
      for (const h of head) c.enqueue(h);
    },
    async pull(c) {
      const { done, value } = await reader.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  if (!isGzip) return replay;
  if (typeof globalThis.DecompressionStream !== 'function') {
    throw new ImportError('bad-gzip', 'This file is gzip-compressed, but this browser cannot decompress it.');
  }
  return replay.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

/** Reads decoded text by line or as a whole, refusing lines or documents over a limit. */
export class TextSource {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  // Unread text is carry + buf.slice(at). `buf` is one decoded chunk, never appended to:
  // appending made V8 flatten (copy) the whole buffer once per chunk, a second copy of
  // every byte imported and most of the import's garbage. Only the start of a line cut by
  // a chunk boundary is kept in `carry`.
  private carry = '';
  private buf = '';
  private at = 0;
  private done = false;
  lineNo = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** Decodes the next chunk into `buf` (the unread rest of `buf` must be in `carry`). */
  private async fill(): Promise<boolean> {
    if (this.done) return false;
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.reader.read();
    } catch (e) {
      // Decompression failures surface here, as a TypeError from the stream.
      throw new ImportError('bad-gzip', 'The file could not be decompressed: it is not valid gzip or it is cut short.', e);
    }
    this.at = 0;
    try {
      if (chunk.done) {
        this.done = true;
        this.buf = this.decoder.decode();
        return false;
      }
      this.buf = this.decoder.decode(chunk.value, { stream: true });
      return true;
    } catch (e) {
      throw new ImportError('bad-encoding', 'The file is not UTF-8 text.', e);
    }
  }

  private take(nl: number): string {
    const part = this.buf.slice(this.at, nl);
    const line = this.carry === '' ? part : this.carry + part;
    this.carry = '';
    this.at = nl + 1;
    this.lineNo++;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  /**
   * The next line if it is already decoded in the buffer, else null (then call readLine()).
   * Saves a promise and a microtask per line when importing a million lines.
   */
  readBufferedLine(maxChars: number): string | null {
    const nl = this.buf.indexOf('\n', this.at);
    if (nl < 0 || this.carry.length + nl - this.at > maxChars) return null; // readLine() reads on, or reports
    return this.take(nl);
  }

  /** The next line without its terminator, or undefined at the end. */
  async readLine(maxChars: number): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf('\n', this.at);
      const length = this.carry.length + (nl < 0 ? this.buf.length : nl) - this.at;
      if (length > maxChars) {
        throw new ImportError('too-large', `line ${this.lineNo + 1}: longer than the limit of ${maxChars} characters.`);
      }
      if (nl >= 0) return this.take(nl);
      this.carry += this.buf.slice(this.at);
      this.buf = '';
      this.at = 0;
      const more = await this.fill();
      if (!more && this.buf.length === 0) {
        if (this.carry === '') return undefined;
        const line = this.carry;
        this.carry = '';
        this.lineNo++;
        return line;
      }
    }
  }

  /** The next piece of decoded text (what is buffered, else the next chunk), or undefined at the end. */
  async readChunk(): Promise<string | undefined> {
    if (this.carry !== '' || this.at < this.buf.length) {
      const rest = this.carry + this.buf.slice(this.at);
      this.carry = '';
      this.buf = '';
      this.at = 0;
      return rest;
    }
    for (;;) {
      const more = await this.fill();
      if (this.buf.length > 0) {
        const piece = this.buf;
        this.buf = '';
        return piece;
      }
      if (!more) return undefined;
    }
  }

  /** Puts text back in front of what is unread (a peeked head). */
  unread(text: string): void {
    // Into `buf`, which lines are searched in (`carry` is known to hold no line end).
    this.buf = text + this.carry + this.buf.slice(this.at);
    this.carry = '';
    this.at = 0;
  }

  /** Everything not read yet, as one string. */
  async readRest(maxChars: number): Promise<string> {
    const tooLarge = (): ImportError => new ImportError('too-large', `The file is larger than the limit of ${maxChars} characters.`);
    let rest = this.carry + this.buf.slice(this.at);
    this.carry = '';
    this.buf = '';
    this.at = 0;
    if (rest.length > maxChars) throw tooLarge();
    for (;;) {
      const more = await this.fill();
      rest += this.buf;
      this.buf = '';
      if (rest.length > maxChars) throw tooLarge();
      if (!more) return rest;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

/** Bytes gathered before they are handed to the browser as one Blob part. */
const BLOB_PART_BYTES = 4 * 1024 * 1024;

/**
 * Collects a byte stream into a Blob built from parts of a few MB: each part moves into the
 * browser's blob storage as it is made, so a file of any size is never one string or one
 * buffer in the JS heap.
 */
export async function streamToBlob(stream: ReadableStream<Uint8Array>, type: string): Promise<Blob> {
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (value) {
      pending.push(value);
      pendingBytes += value.byteLength;
    }
    if (pendingBytes >= BLOB_PART_BYTES || (done && pendingBytes > 0)) {
      parts.push(new Blob(pending as BlobPart[]));
      pending = [];
      pendingBytes = 0;
    }
    if (done) return new Blob(parts, { type });
  }
}
