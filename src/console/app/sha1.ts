/**
 * SHA-1 and HMAC-SHA1 for the request signature (spec/signature.md §2).
 * WebCrypto (`crypto.subtle`) is used when the page is a secure context
 * (https, or http on localhost/127.0.0.1); browsers hide `crypto.subtle` on
 * plain http to another host, so a small standard implementation (FIPS 180-4,
 * RFC 2104) takes over there and the console still works on a LAN address.
 */
const enc = new TextEncoder();

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** FIPS 180-4 §6.1 over a byte array. */
export function sha1Bytes(msg: Uint8Array): Uint8Array {
  const len = msg.length;
  const words = new Uint32Array((((len + 8) >> 6) + 1) * 16);
  for (let i = 0; i < len; i++) words[i >> 2]! |= msg[i]! << (24 - (i % 4) * 8);
  words[len >> 2]! |= 0x80 << (24 - (len % 4) * 8);
  words[words.length - 1] = (len * 8) >>> 0;
  words[words.length - 2] = Math.floor((len * 8) / 0x100000000);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  for (let off = 0; off < words.length; off += 16) {
    for (let t = 0; t < 16; t++) w[t] = words[off + t]!;
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const tmp = (rotl(a, 5) + f + e + k + w[t]!) >>> 0;
      e = d; d = c; c = rotl(b, 30) >>> 0; b = a; a = tmp;
    }
    h0 = (h0 + a) >>> 0; h1 = (h1 + b) >>> 0; h2 = (h2 + c) >>> 0; h3 = (h3 + d) >>> 0; h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  [h0, h1, h2, h3, h4].forEach((h, i) => { out[i * 4] = h >>> 24; out[i * 4 + 1] = (h >>> 16) & 255; out[i * 4 + 2] = (h >>> 8) & 255; out[i * 4 + 3] = h & 255; });
  return out;
}

/** RFC 2104 with a 64-byte block. */
export function hmacSha1Bytes(key: Uint8Array, msg: Uint8Array): Uint8Array {
  let k = key.length > 64 ? sha1Bytes(key) : key;
  const block = new Uint8Array(64);
  block.set(k);
  const inner = new Uint8Array(64 + msg.length);
  const outer = new Uint8Array(64 + 20);
  for (let i = 0; i < 64; i++) { inner[i] = block[i]! ^ 0x36; outer[i] = block[i]! ^ 0x5c; }
  inner.set(msg, 64);
  outer.set(sha1Bytes(inner), 64);
  k = sha1Bytes(outer);
  return k;
}

const subtle = (): SubtleCrypto | undefined => (globalThis.isSecureContext !== false ? globalThis.crypto?.subtle : undefined);

export async function sha1Hex(text: string): Promise<string> {
  const s = subtle();
  const data = enc.encode(text);
  return toHex(s ? new Uint8Array(await s.digest('SHA-1', data)) : sha1Bytes(data));
}

export async function hmacSha1Hex(key: string, text: string): Promise<string> {
  const s = subtle();
  if (!s) return toHex(hmacSha1Bytes(enc.encode(key), enc.encode(text)));
  const k = await s.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  return toHex(new Uint8Array(await s.sign('HMAC', k, enc.encode(text))));
}
