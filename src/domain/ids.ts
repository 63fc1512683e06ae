/**
 * Node-free on purpose (the web console bundles the template validators,
 * which import this module): randomness comes from the Web Crypto global
 * that Node 20 and browsers both provide.
 */
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Identifier formats (spec/README.md "Resource model and identifier formats"):
 * queues `p` + 32 hex (UUIDv4), custom templates `t1` + 32 hex (UUIDv4),
 * jobs `j`/`s` + 32 hex (UUIDv1-shaped).
 */
const hex32 = (): string => globalThis.crypto.randomUUID().replace(/-/g, '');

export const newQueueId = (): string => 'p' + hex32();
export const newTemplateId = (): string => 't1' + hex32();

/**
 * Version-1-shaped UUID hex (time-low, time-mid, time-high+version, clock seq,
 * node) so that ids look like the service's and sort roughly by time within a
 * field; uniqueness comes from 62 random bits.
 */
export function uuidV1Hex(now = Date.now()): string {
  // 100-ns intervals since 1582-10-15 (RFC 4122 §4.1.4).
  const ts = BigInt(now) * 10000n + 0x01b21dd213814000n + BigInt(randomBytes(1)[0]!);
  const timeLow = (ts & 0xffffffffn).toString(16).padStart(8, '0');
  const timeMid = ((ts >> 32n) & 0xffffn).toString(16).padStart(4, '0');
  const timeHi = (((ts >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
  const rnd = randomBytes(8);
  rnd[0] = (rnd[0]! & 0x3f) | 0x80; // RFC 4122 variant
  return timeLow + timeMid + timeHi + hex(rnd);
}

export const newJobId = (): string => 'j' + uuidV1Hex();
export const newAsrJobId = (): string => 's' + uuidV1Hex();

/** Lookup accepts any `[A-Za-z0-9]+` (spec/README.md → Impl); bounded so that a huge id is just "unknown". */
export const isLookupId = (id: string): boolean => /^[A-Za-z0-9]{1,128}$/.test(id);

/**
 * An opaque request id, base64 of `<hex time>_<hex process nonce>_<hex counter>`
 * like the service's. The nonce is drawn once per process: unique across
 * processes, with no random draw per request (the hot path, bench/front-door).
 */
let counter = 0;
const processNonce = hex(randomBytes(4));
export function newRequestId(): string {
  counter = (counter + 1) >>> 0;
  const raw = `${Date.now().toString(16)}_${processNonce}_${counter.toString(16)}`;
  // Buffer is Node's global (no import): this runs only on the server, and keeps the hot path as before.
  return Buffer.from(raw).toString('base64').replace(/=+$/, '');
}
