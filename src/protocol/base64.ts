// UTF-8 and base64url helpers that work the same in the page, the extension and Node
// (no Buffer). The auth subprotocol is base64url without padding (reference 2.1).

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict: undefined for byte sequences that are not valid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 byte length without allocating the encoded bytes. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3; // lone surrogates are encoded as U+FFFD (3 bytes)
  }
  return bytes;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so large inputs do not blow the argument limit of String.fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Lenient on purpose: accepts base64url or standard alphabet, with or without padding,
 * because captured traffic comes from many clients. Undefined for anything malformed.
 */
export function base64UrlToBytes(input: string): Uint8Array | undefined {
  if (typeof input !== 'string') return undefined;
  const trimmed = input.replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/_-]*$/.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  const std = trimmed.replace(/-/g, '+').replace(/_/g, '/');
  const padded = std + '='.repeat((4 - (std.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function base64UrlEncodeText(text: string): string {
  return bytesToBase64Url(utf8Encode(text));
}

export function base64UrlDecodeText(input: string): string | undefined {
  const bytes = base64UrlToBytes(input);
  return bytes ? utf8Decode(bytes) : undefined;
}
