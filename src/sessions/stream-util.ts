// Turns an async generator of text into a byte stream that pulls lazily: an export of a
// million frames reads one chunk from the database per pull, never the whole session.

import { gzip } from './byte-streams.ts';

export function textStream(source: AsyncGenerator<string, void, undefined>, compress = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const bytes = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await source.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  return compress ? gzip(bytes) : bytes;
}
