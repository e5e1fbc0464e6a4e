// Random names for the relay's private event. `crypto.randomUUID` exists only in secure
// contexts (an http://127.0.0.1 page's content script in Firefox ESR has none and threw
// "crypto.randomUUID is not a function"); `getRandomValues` exists in every context.

export interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** 128 random bits as 32 lower-case hex digits. */
export function randomToken(source: RandomSource): string {
  const bytes = source.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}
