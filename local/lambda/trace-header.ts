import { randomBytes } from 'node:crypto';

/**
 * The `_X_AMZN_TRACE_ID` of one invocation, as Lambda gives each: the trace of the first record when
 * it carries one (an SQS message's AWSTraceHeader), else a new root; always a new Parent (this
 * invocation's segment). The AWS SDK sends it as `X-Amzn-Trace-Id` on every call the handler makes
 * (middleware-recursion-detection), which is how the local cloud tells which invocation made a call.
 */
export function invocationTraceHeader(event: unknown, nowMs: number): string {
  const upstream = firstRecordTraceHeader(event);
  const root = traceField(upstream, 'Root');
  if (root === undefined) return xrayTraceHeader(nowMs);
  return `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=${traceField(upstream, 'Sampled') ?? '0'}`;
}

const FIELD_PATTERNS = { Root: /(?:^|;)\s*Root=([^;]*)/, Parent: /(?:^|;)\s*Parent=([^;]*)/, Sampled: /(?:^|;)\s*Sampled=([^;]*)/ };

/** A field of an X-Ray trace header (`Root`, `Parent`, `Sampled`). */
export function traceField(header: string | undefined, name: 'Root' | 'Parent' | 'Sampled'): string | undefined {
  if (header === undefined) return undefined;
  const match = FIELD_PATTERNS[name].exec(header);
  return match?.[1] === '' ? undefined : match?.[1];
}

function firstRecordTraceHeader(event: unknown): string | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  const first = Array.isArray(records) ? (records[0] as { attributes?: { AWSTraceHeader?: unknown } } | undefined) : undefined;
  const header = first?.attributes?.AWSTraceHeader;
  return typeof header === 'string' ? header : undefined;
}

/** The `X-Amzn-Trace-Id` header of a request, when it carries a non-empty one. */
export function httpTraceHeader(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers['x-amzn-trace-id'];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/**
 * A new X-Ray trace header (`Root=1-<epoch seconds, hex>-<96 random bits>;Parent=<64 bits>;Sampled=0`),
 * as Lambda attaches to the messages it sends for a traced invocation.
 */
export function xrayTraceHeader(nowMs: number): string {
  const epoch = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
