import { isIP } from 'node:net';
import { InvalidEventPatternError } from './errors';

/** An IPv4 or IPv6 network: the lowest and highest address it holds, as bytes. */
export interface Cidr {
  readonly bottom: Uint8Array;
  readonly top: Uint8Array;
}

/**
 * What EventBridge takes for an IP address literal: four dotted decimal groups, or hex digits and
 * colons with at least one colon. Anything else (e.g. an IPv6 with an embedded IPv4 tail) is not
 * an IP address to it.
 */
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** The address's bytes, or undefined when the text is not an IP address literal. */
export function ipBytes(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) return ipv4Bytes(text);
  if (!IPV6_SHAPE.test(text) || isIP(text) !== 6) return undefined;
  return addressBytes(text, 6);
}

/** Four decimal groups of at most 255, without leading zeros (an ambiguous `010` is not an address). */
function ipv4Bytes(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (part.length > 3 || (part.length > 1 && part[0] === '0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes[i] = n;
  }
  return bytes;
}

/**
 * Parses `10.0.0.0/24` or `2001:db8::/64` with AWS's checks, in AWS's order: exactly one `/`, an
 * integer mask that is not negative, an address literal, then a mask below the address width
 * (a /32 or /128 is refused: an exact address is written without a mask).
 */
export function parseCidr(text: string): Cidr {
  const parts = splitDroppingTrailingEmpty(text, '/');
  if (parts.length !== 2) throw new InvalidEventPatternError("Malformed CIDR, one '/' required");
  const [address, mask] = parts as [string, string];
  if (!/^[-+]?\d+$/.test(mask) || Math.abs(Number(mask)) > 2 ** 31 - 1) {
    throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(mask);
  if (maskBits < 0) throw new InvalidEventPatternError('Malformed CIDR, mask bits must not be negative');
  const bytes = literalBytes(address);
  if (bytes.length === 4 && maskBits > 31) throw new InvalidEventPatternError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && maskBits > 127) throw new InvalidEventPatternError('IPv6 mask bits must be < 128');
  const bottom = Uint8Array.from(bytes);
  const top = Uint8Array.from(bytes);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, maskBits - i * 8));
    const hostMask = 0xff >> keep;
    bottom[i] = bottom[i]! & ~hostMask & 0xff;
    top[i] = top[i]! | hostMask;
  }
  return { bottom, top };
}

/** Whether an event string is an IP address inside the network. Non-addresses simply do not match. */
export function cidrContains(cidr: Cidr, value: string): boolean {
  const bytes = ipBytes(value);
  return bytes !== undefined && bytes.length === cidr.bottom.length && compare(bytes, cidr.bottom) >= 0 && compare(bytes, cidr.top) <= 0;
}

/** Whether two byte strings of the same length are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compare(a, b) === 0;
}

/** An address literal's bytes, with AWS's messages for text that is not one. */
function literalBytes(address: string): Uint8Array {
  if (!IPV4_SHAPE.test(address) && !IPV6_SHAPE.test(address)) throw new InvalidEventPatternError(`Nonstandard IP address: ${address}`);
  const bytes = ipBytes(address);
  if (bytes === undefined) throw new InvalidEventPatternError(`Invalid IP address: ${address}`);
  return bytes;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return 0;
}

/** `text.split(separator)` without the empty strings at the end (the splitting AWS's CIDR check uses). */
function splitDroppingTrailingEmpty(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function addressBytes(address: string, family: number): Uint8Array {
  if (family === 4) return Uint8Array.from(address.split('.').map(Number));
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}
