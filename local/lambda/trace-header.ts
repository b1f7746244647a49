import { randomBytes } from 'node:crypto';

/**
 * A new X-Ray trace header (`Root=1-<epoch seconds, hex>-<96 random bits>;Parent=<64 bits>;Sampled=0`),
 * as Lambda attaches to the messages it sends for a traced invocation.
 */
export function xrayTraceHeader(nowMs: number): string {
  const epoch = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
