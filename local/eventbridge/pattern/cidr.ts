import { isIP } from 'node:net';
import { InvalidEventPatternError } from './errors';

/** An IPv4 or IPv6 network, as a bit prefix over the address's bytes. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly maskBits: number;
}

/** Parses `10.0.0.0/24` or `2001:db8::/64`; AWS's messages for malformed ones. */
export function parseCidr(text: string): Cidr {
  const slash = text.lastIndexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address) as 0 | 4 | 6;
  if (slash >= 0 && !/^\d+$/.test(text.slice(slash + 1))) {
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer');
  }
  if (family === 0) throw new InvalidEventPatternError(`Nonstandard IP address: ${address}`);
  const width = family === 4 ? 32 : 128;
  const maskBits = slash < 0 ? width : Number(text.slice(slash + 1));
  if (maskBits > width) throw new InvalidEventPatternError(`Malformed CIDR, mask bits must be between 0 and ${width}`);
  return { family, bytes: addressBytes(address, family), maskBits };
}

/** Whether `value` is an IP address inside the network. Non-addresses simply do not match. */
export function cidrContains(cidr: Cidr, value: string): boolean {
  const family = isIP(value) as 0 | 4 | 6;
  if (family !== cidr.family) return false;
  const bytes = addressBytes(value, family);
  let bits = cidr.maskBits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((cidr.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function addressBytes(address: string, family: 0 | 4 | 6): Uint8Array {
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}
