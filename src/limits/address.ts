// Groups a client address for every per-address rule: an IPv6 subscriber is handed a
// whole /64, so all of its addresses count as one; IPv4 (and IPv4-mapped IPv6) stay whole.
import { isIPv4, isIPv6 } from 'node:net';

export function addressGroup(ip: string): string {
  const bare = ip.split('%')[0]!.toLowerCase();
  const mapped = bare.startsWith('::ffff:') ? bare.slice(7) : '';
  if (isIPv4(mapped)) return mapped;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  return `${firstFourGroups(bare).join(':')}::/64`;
}

/** The first four 16-bit groups of a valid IPv6 address, zero-padded. */
function firstFourGroups(ip: string): string[] {
  const gap = ip.indexOf('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  let all: string[];
  if (gap === -1) {
    all = groups(ip);
  } else {
    const head = groups(ip.slice(0, gap));
    const tail = groups(ip.slice(gap + 2));
    // An embedded IPv4 tail ("::1.2.3.4") fills two groups.
    const tailWidth = tail.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
    all = [...head, ...Array<string>(Math.max(0, 8 - head.length - tailWidth)).fill('0'), ...tail];
  }
  return all.slice(0, 4).map((g) => g.padStart(4, '0'));
}

/**
 * The key every per-address limit counts under: a keyed hash of the address group, so
 * neither the address nor a way back to it is stored. `hash` is the app's keyed hash.
 */
export function addressKey(hash: (purpose: string, value: string) => string, ip: string): string {
  return hash('ip', addressGroup(ip));
}
