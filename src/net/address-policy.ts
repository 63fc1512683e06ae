import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a server-side request (job callbacks, later URL inputs) may
 * reach (issue #4 §5): callback URLs are untrusted input, so loopback,
 * link-local (incl. the 169.254.169.254 metadata service), private, CGNAT,
 * unspecified and multicast ranges are refused unless the operator allows
 * them with the `callbackAllow` setting: keywords `loopback`, `private`,
 * `link-local`, or CIDRs such as `10.1.0.0/16`.
 */
const RANGES: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  'link-local': [['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']],
  private: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['fc00::', 7, 'ipv6']],
  // ::/96 holds the unspecified address and the deprecated IPv4-compatible form (::127.0.0.1);
  // 2002::/16 (6to4) embeds an IPv4 address too: neither has a use as a callback target.
  special: [['0.0.0.0', 8, 'ipv4'], ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'], ['::', 96, 'ipv6'], ['ff00::', 8, 'ipv6'], ['64:ff9b::', 96, 'ipv6'], ['2002::', 16, 'ipv6']],
};

export class AddressPolicy {
  private readonly denied = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allow: readonly string[]) {
    for (const [name, ranges] of Object.entries(RANGES)) {
      if (allow.includes(name)) {
        for (const [a, p, t] of ranges) this.allowed.addSubnet(a, p, t);
      }
      for (const [a, p, t] of ranges) this.denied.addSubnet(a, p, t);
    }
    for (const entry of allow) {
      const m = /^(.+)\/(\d{1,3})$/.exec(entry);
      if (!m) continue;
      const family = isIP(m[1]!);
      if (family === 0) throw new Error(`callbackAllow: ${entry} is not a CIDR`);
      this.allowed.addSubnet(m[1]!, Number(m[2]), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Undefined when `ip` may be reached, else why not. `purpose` names what is refused in the message. */
  check(ip: string, purpose = 'callbacks'): string | undefined {
    let addr = ip.replace(/^\[|\]$/g, '');
    // IPv4-mapped IPv6 is judged as the IPv4 address, in both spellings: URL parsing turns
    // [::ffff:127.0.0.1] into [::ffff:7f00:1].
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
    const mappedHex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(addr);
    if (mapped) addr = mapped[1]!;
    else if (mappedHex) {
      const hi = parseInt(mappedHex[1]!, 16);
      const lo = parseInt(mappedHex[2]!, 16);
      addr = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    const family = isIP(addr);
    if (family === 0) return `${ip} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(addr, type)) return undefined;
    if (this.denied.check(addr, type)) {
      const kind = Object.entries(RANGES).find(([, ranges]) => ranges.some(([a, p, t]) => {
        const b = new BlockList();
        b.addSubnet(a, p, t);
        return t === type && b.check(addr, type);
      }))?.[0];
      return `${ip} is a ${kind ?? 'reserved'} address; ${purpose} to it are refused (allow it with SMART_AUDIO_CALLBACK_ALLOW)`;
    }
    return undefined;
  }
}
